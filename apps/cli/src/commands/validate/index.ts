export { validateCommand } from './validate-command.js';
