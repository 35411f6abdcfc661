export { iptablesCommand } from './iptables-command.js';
