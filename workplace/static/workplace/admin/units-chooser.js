/*
 * An officer's units in the account form. The chosen units are ticked boxes; "Add units"
 * opens Wagtail's chooser modal (searchable, paginated, several units at once) and ticks each
 * unit picked there, adding it to the list if it is not on it yet. The form field checks
 * every submitted unit again on the server.
 */
(() => {
  function addUnits(root, units) {
    const list = root.querySelector('[data-units-chooser-list]');
    const template = root.querySelector('[data-units-chooser-template]');
    [].concat(units).forEach((unit) => {
      const id = `${root.id}-${unit.id}`;
      const existing = document.getElementById(id);
      if (existing) {
        existing.checked = true;
        return;
      }
      const item = template.content.firstElementChild.cloneNode(true);
      const input = item.querySelector('input');
      input.value = unit.id;
      input.id = id;
      item.querySelector('label').htmlFor = id;
      item.querySelector('[data-units-chooser-title]').textContent = unit.title;
      list.appendChild(item);
    });
    root.querySelector('[data-units-chooser-empty]').hidden = list.children.length > 0;
  }

  function openChooser(root) {
    window.ModalWorkflow({
      url: root.dataset.chooserUrl,
      urlParams: { multiple: 1 },
      onload: new window.ChooserModalOnloadHandlerFactory().getOnLoadHandlers(),
      responses: { chosen: (units) => addUnits(root, units) },
    });
  }

  function setUp(root) {
    root
      .querySelector('[data-units-chooser-add]')
      .addEventListener('click', () => openChooser(root));
  }

  document.addEventListener('DOMContentLoaded', () => {
    document.querySelectorAll('[data-units-chooser]').forEach(setUp);
  });
})();
