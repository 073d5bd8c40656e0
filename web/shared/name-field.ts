import { identity, NAME_RULE, onIdentityChange, setUserName } from './identity.js';
import { setText } from './dom.js';

/**
 * The header's name field, shared by the pages: shows the current name, applies an edit, and
 * says why a name was refused (the API's ids are Latin letters, digits and _ . -) instead of
 * silently putting the old one back.
 */
export const bindNameField = (input: HTMLInputElement, out: HTMLElement): void => {
  input.value = identity().userId;
  input.addEventListener('change', () => {
    const typed = input.value;
    if (setUserName(typed)) {
      setText(out, '');
      return;
    }
    setText(out, typed.trim() === '' ? 'Type a name.' : `“${typed.trim().slice(0, 32)}” cannot be used. ${NAME_RULE}`);
    input.value = identity().userId;
  });
  onIdentityChange((who) => (input.value = who.userId));
};
