// The room's side panels fold away on narrow screens (see the 820 px rule in app.css): a toggle
// per panel, as a disclosure button, and at most one panel open, so that the editor keeps what
// is left of the screen. On wide screens the toggles are not shown and every panel is.

const $ = (id) => document.getElementById(id);

export function wirePanelToggles() {
  const toggles = [...document.querySelectorAll('.panel-toggle')];
  const setOpen = (toggle, open) => {
    toggle.setAttribute('aria-expanded', String(open));
    $(toggle.getAttribute('aria-controls')).classList.toggle('open', open);
  };
  for (const toggle of toggles) {
    toggle.addEventListener('click', () => {
      const open = toggle.getAttribute('aria-expanded') !== 'true';
      for (const other of toggles) setOpen(other, other === toggle && open);
    });
  }
}
