import type { Attachment } from 'svelte/attachments'

/**
 * Moves keyboard focus to an element when it appears (a new step's heading), so keyboard and
 * screen reader users continue from the new content. The element needs tabindex="-1".
 */
export const focusOnMount: Attachment<HTMLElement> = (element) => {
  element.focus()
}
