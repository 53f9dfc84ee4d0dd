// What a person cannot read on the open page, as sentences; evaluated by pages.py.
//
// Returns {problems: [...], language: "vi", text: "..."}: ``text`` is the visible interface
// text (user data left out) that pages.py searches for English words and badly written dates.
(options) => {
  const MIN_CONTROL_HEIGHT = options.minControlHeight;
  const TOLERANCE = 1.5;  // px of sub-pixel rounding allowed between two boxes
  const doc = document.documentElement;
  const problems = [];

  // Text that belongs to the people using the site, not to its interface: codes, what they
  // type (form fields, the rich text of an article being edited), and anything marked as
  // another language (the "English" switch says lang="en").
  const USER_DATA = [
    "code", "kbd", "samp", "pre", "script", "style", "noscript", "textarea", "template",
    "[translate=no]", "[contenteditable]",
  ].join(", ");

  function describe(el) {
    // A form field by its label: a list's options or a typed value say little.
    const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
    const text = (label || el.innerText || el.value || el.getAttribute("aria-label") || "")
      .replace(/\s+/g, " ").trim().slice(0, 60);
    const classes = el.classList.length ? "." + [...el.classList].slice(0, 2).join(".") : "";
    return `<${el.tagName.toLowerCase()}${classes}> "${text}"`;
  }

  // Hidden from the eye but left for screen readers: clipped to nothing, or squeezed to 1 px.
  function clippedAway(el) {
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (/^rect\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\)$/.test(style.clip)) return true;
      if (style.clipPath.startsWith("inset(50%")) return true;
      if (style.overflow === "hidden") {
        const box = node.getBoundingClientRect();
        if (box.width <= 1 || box.height <= 1) return true;
      }
    }
    return false;
  }

  function shown(el) {
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || clippedAway(el)) return false;
    // Off-canvas (a skip link, a closed drawer) lies wholly outside the document.
    const left = box.left + window.scrollX;
    const top = box.top + window.scrollY;
    return left + box.width > 0 && top + box.height > 0 && left < doc.scrollWidth && top < doc.scrollHeight;
  }

  function inside(inner, outer) {
    return inner.left >= outer.left - TOLERANCE && inner.right <= outer.right + TOLERANCE
      && inner.top >= outer.top - TOLERANCE && inner.bottom <= outer.bottom + TOLERANCE;
  }

  function textNodes(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walker.nextNode()) {
      if (walker.currentNode.textContent.trim()) nodes.push(walker.currentNode);
    }
    return nodes;
  }

  // The box of the text a person sees in ``el`` (visible text nodes only), or null.
  function textBox(el) {
    let box = null;
    for (const node of textNodes(el)) {
      if (!shown(node.parentElement)) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const part of range.getClientRects()) {
        if (part.width < 1) continue;
        box = box
          ? { left: Math.min(box.left, part.left), right: Math.max(box.right, part.right),
              top: Math.min(box.top, part.top), bottom: Math.max(box.bottom, part.bottom) }
          : { left: part.left, right: part.right, top: part.top, bottom: part.bottom };
      }
    }
    return box;
  }

  // The width of the widest word of ``el``'s text, in the font it is shown in.
  const ruler = document.createElement("canvas").getContext("2d");
  function longestWord(el) {
    let widest = 0;
    for (const node of textNodes(el)) {
      const style = getComputedStyle(node.parentElement);
      ruler.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      for (const word of node.textContent.split(/\s+/)) {
        widest = Math.max(widest, ruler.measureText(word).width);
      }
    }
    return widest;
  }

  function accessibleName(el) {
    const labelledBy = el.getAttribute("aria-labelledby");
    if (labelledBy) {
      const named = labelledBy.split(/\s+/)
        .map((id) => (document.getElementById(id) || {}).textContent || "").join(" ").trim();
      if (named) return named;
    }
    const label = (el.getAttribute("aria-label") || "").trim();
    if (label) return label;
    if (el.tagName === "INPUT") return (el.value || el.getAttribute("title") || "").trim();
    const text = (el.innerText || "").trim();
    if (text) return text;
    for (const image of el.querySelectorAll("img[alt], svg[aria-label], svg title")) {
      const alt = (image.getAttribute("alt") || image.getAttribute("aria-label") || image.textContent || "").trim();
      if (alt) return alt;
    }
    return (el.getAttribute("title") || "").trim();
  }

  // 1. The page never scrolls sideways.
  if (doc.scrollWidth > doc.clientWidth) {
    problems.push(`the page is ${doc.scrollWidth - doc.clientWidth} px wider than the screen`);
  }

  // 2. A wide table scrolls inside its own box, its first column and the reasons readable.
  const MIN_REASON = 120;
  for (const table of document.querySelectorAll("table")) {
    if (!shown(table)) continue;
    const caption = (table.caption ? table.caption.innerText : describe(table)).trim().slice(0, 60);
    let clip = table.parentElement;
    while (clip && clip !== document.body && getComputedStyle(clip).overflowX === "visible") {
      clip = clip.parentElement;
    }
    const clips = clip && clip !== document.body;
    const frame = clips ? clip.getBoundingClientRect() : { left: 0, right: doc.clientWidth };
    const tableBox = table.getBoundingClientRect();
    if (clips && !["auto", "scroll"].includes(getComputedStyle(clip).overflowX)
        && tableBox.right > frame.right + TOLERANCE) {
      problems.push(`table "${caption}": ${Math.round(tableBox.right - frame.right)} px of it are cut off at the right and cannot be scrolled to`);
    }
    const screen = { left: 0, right: doc.clientWidth, top: -Infinity, bottom: Infinity };
    const visible = {
      left: Math.max(frame.left, 0), right: Math.min(frame.right, doc.clientWidth),
      top: -Infinity, bottom: Infinity,
    };
    for (const row of table.rows) {
      // The first column that says something (a row's tick box is no name).
      const first = [...row.cells].find((cell) => shown(cell) && cell.innerText.trim());
      if (!first) continue;
      const cell = first.getBoundingClientRect();
      const label = first.innerText.trim().replace(/\s+/g, " ").slice(0, 40);
      if (!inside(cell, visible)) {
        problems.push(`table "${caption}": its first column ("${label}") is off the screen`);
        break;
      }
      const room = first.clientWidth - parseFloat(getComputedStyle(first).paddingLeft)
        - parseFloat(getComputedStyle(first).paddingRight);
      if (room + 1 < longestWord(first)) {
        problems.push(`table "${caption}": its first column ("${label}") is squeezed to ${Math.round(cell.width)} px, narrower than its words`);
        break;
      }
    }
    for (const reason of table.querySelectorAll(".shortfalls li")) {
      if (!shown(reason)) continue;
      const where = reason.getBoundingClientRect();
      if (!inside(where, screen) || where.width < MIN_REASON) {
        problems.push(`table "${caption}": the reason "${reason.innerText.trim().slice(0, 40)}" is off the screen or squeezed (${Math.round(where.width)} px wide)`);
        break;
      }
    }
  }

  // 3. Every button, link and form field lies within the screen, or in a box that scrolls
  // sideways to it (a container that hides its overflow cuts it off for good).
  // While a modal dialog is open, only what is in it can be used.
  const dialog = [...document.querySelectorAll("[role=dialog], [aria-modal=true], dialog[open]")]
    .find((candidate) => shown(candidate) && candidate.getAttribute("aria-hidden") !== "true");
  const controls = [...(dialog || document).querySelectorAll(
    "a[href], button, [role=button], input[type=submit], input[type=button], summary"
  )].filter(shown);
  const fields = [...(dialog || document).querySelectorAll(
    "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea"
  )].filter(shown);
  // A drawer slid aside on purpose (the page editor's minimap shows only its edge on a
  // phone) holds controls off the screen until it is opened.
  function slidAside(el) {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      if (/^matrix\(1, 0, 0, 1, -?[1-9]/.test(getComputedStyle(node).transform)) return true;
    }
    return false;
  }

  function scrollsSidewaysTo(el) {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(node).overflowX)
          && node.scrollWidth > node.clientWidth) return true;
    }
    return false;
  }
  for (const el of [...controls, ...fields]) {
    const box = el.getBoundingClientRect();
    const past = Math.round(Math.max(box.right - doc.clientWidth, -box.left));
    if (past > TOLERANCE && !scrollsSidewaysTo(el) && !slidAside(el)) {
      problems.push(`${describe(el)} runs ${past} px past the edge of the screen`);
    }
  }

  // 4. Every button and link has a name, and its text stays inside its box, uncovered.
  const scrolled = [];
  for (const el of controls) {
    const name = accessibleName(el);
    if (!name) {
      problems.push(`${describe(el)} has no name a screen reader could read`);
      continue;
    }
    const box = el.getBoundingClientRect();
    if (box.height < MIN_CONTROL_HEIGHT) {
      problems.push(`${describe(el)} is only ${Math.round(box.height)} px high`);
    }
    // The text's own boxes, not scrollWidth (which counts icons and hidden screen-reader
    // text) nor the line box (a tall line height overflows nothing). A line's glyph area may
    // be a little taller than its line without any glyph leaving the box: vertically, only
    // more than a third of the font size counts. Text cut off with an ellipsis still lays
    // out its whole width, so it sticks out too.
    const style = getComputedStyle(el);
    const slack = Math.max(parseFloat(style.fontSize) / 3, TOLERANCE);
    const text = textBox(el);
    const roomy = { left: box.left, right: box.right, top: box.top - slack, bottom: box.bottom + slack };
    if (text && !inside(text, roomy)) {
      problems.push(`${describe(el)}: its text is cut off or sticks out of its box`);
    }
    const buttonLike = el.matches("button, [role=button], input, .button, [class*=button]");
    for (const icon of buttonLike ? el.querySelectorAll("svg, img") : []) {
      if (shown(icon) && !inside(icon.getBoundingClientRect(), box)) {
        problems.push(`${describe(el)}: its icon is larger than the button`);
        break;
      }
    }
    // Covered by something else? Look at the first line of it, brought into view.
    for (let node = el.parentElement; node; node = node.parentElement) {
      if (node.scrollLeft || node.scrollTop) scrolled.push([node, node.scrollLeft, node.scrollTop]);
    }
    // Instantly: a page that scrolls smoothly (as the Wagtail admin does) would still be moving.
    el.scrollIntoView({ block: "center", inline: "center", behavior: "instant" });
    const line = el.getClientRects()[0];
    // A disabled control lets the pointer through: nothing to find at its place.
    if (line && !el.disabled && getComputedStyle(el).pointerEvents !== "none") {
      const x = Math.min(Math.max(line.left + line.width / 2, 0), doc.clientWidth - 1);
      const y = Math.min(Math.max(line.top + line.height / 2, 0), doc.clientHeight - 1);
      const hit = document.elementFromPoint(x, y);
      if (hit && hit !== el && !el.contains(hit)) {
        problems.push(hit.contains(el)
          ? `${describe(el)} is cut off by the edge of ${describe(hit)}`
          : `${describe(el)} is covered by ${describe(hit)}`);
      }
    }
  }
  for (const [node, left, top] of scrolled) { node.scrollLeft = left; node.scrollTop = top; }
  for (const node of document.querySelectorAll("*")) {
    if (node.scrollLeft && node !== doc && node !== document.body) node.scrollLeft = 0;
  }
  window.scrollTo(0, 0);

  // 5. The interface text a person sees, for the language and date checks.
  const pieces = [];
  for (const node of textNodes(document.body)) {
    const parent = node.parentElement;
    if (!parent || parent.closest(USER_DATA)) continue;
    const marked = parent.closest("[lang]");
    if (marked && !marked.lang.toLowerCase().startsWith(doc.lang.toLowerCase().slice(0, 2))) continue;
    if (parent.tagName === "OPTION") {
      const select = parent.closest("select");
      if (!select || !shown(select)) continue;
    } else if (!shown(parent)) {
      continue;
    }
    pieces.push(node.textContent);
  }
  for (const el of document.querySelectorAll("[placeholder], [aria-label], [title], input[type=submit], input[type=button]")) {
    if (!shown(el) || el.closest(USER_DATA)) continue;
    for (const attribute of ["placeholder", "aria-label", "title"]) {
      if (el.getAttribute(attribute)) pieces.push(el.getAttribute(attribute));
    }
    if (el.tagName === "INPUT" && ["submit", "button"].includes(el.type)) pieces.push(el.value);
  }
  pieces.push(document.title);
  return { problems, language: doc.lang, text: pieces.join("\n") };
}
