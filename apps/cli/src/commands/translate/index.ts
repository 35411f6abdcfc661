export { translateCommand } from './translate-command.js';
