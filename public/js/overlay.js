// Draws other members' carets and selections over the textarea. A mirror layer with the
// textarea's exact font, padding and wrapping holds the same text in transparent ink; coloured
// spans mark the ranges. All text goes in as text nodes, never as HTML.

export class CursorOverlay {
  constructor(textarea, layer) {
    this.textarea = textarea;
    this.layer = layer;
    this.content = document.createElement('div');
    this.content.className = 'overlay-content';
    layer.append(this.content);
    this.peers = new Map(); // clientId -> { name, color, ranges }
    this.text = '';
    this.frame = 0;
    textarea.addEventListener('scroll', () => this.place());
    new ResizeObserver(() => this.schedule()).observe(textarea);
  }

  /** `peers`: clientId -> { name, color, ranges: [[anchor, head], ...] } in local positions. */
  update(text, peers) {
    this.text = text;
    this.peers = peers;
    this.schedule();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Puts the layer exactly over the textarea's client box and follows its scrolling. */
  place() {
    placeLayer(this.textarea, this.layer, this.content);
  }

  render() {
    this.place();
    if (![...this.peers.values()].some((peer) => peer.ranges.length)) {
      this.content.replaceChildren(); // nobody to show: no need to lay out a copy of the text
      return;
    }
    const text = this.text;
    const marks = []; // [position, order, kind, peer]
    for (const peer of this.peers.values()) {
      for (const [anchor, head] of peer.ranges) {
        const from = clamp(Math.min(anchor, head), text.length);
        const to = clamp(Math.max(anchor, head), text.length);
        if (from < to) marks.push([from, 1, 'open', peer], [to, 0, 'close', peer]);
        marks.push([clamp(head, text.length), 2, 'caret', peer]);
      }
    }
    marks.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const nodes = [];
    const open = [];
    let index = 0;
    for (const [position, , kind, peer] of marks) {
      if (position > index) {
        nodes.push(segment(text.slice(index, position), open[open.length - 1]));
        index = position;
      }
      if (kind === 'open') open.push(peer);
      else if (kind === 'close') open.splice(open.lastIndexOf(peer), 1);
      else nodes.push(caret(peer));
    }
    nodes.push(segment(text.slice(index) + '\u200b', open[open.length - 1]));
    this.content.replaceChildren(...nodes);
    this.keepLabelsInside();
  }

  /**
   * A name label sits above its caret, to the right. On the first line it would stick out of the
   * top, at the right edge out of the side, clipped, which on a phone happens often: turn it below
   * the caret, or to its left, so that it stays readable.
   */
  keepLabelsInside() {
    const box = this.layer.getBoundingClientRect();
    for (const label of this.content.querySelectorAll('.remote-caret-label')) {
      const r = label.getBoundingClientRect();
      label.classList.toggle('label-below', r.top < box.top);
      label.classList.toggle('label-left', r.right > box.right);
    }
  }
}

/**
 * Puts `layer` exactly over the textarea's client box and moves its `content` as the textarea
 * scrolls (the authorship layer, authorship.js, is placed the same way).
 */
export function placeLayer(textarea, layer, content) {
  const s = layer.style;
  s.left = `${textarea.offsetLeft + textarea.clientLeft}px`;
  s.top = `${textarea.offsetTop + textarea.clientTop}px`;
  s.width = `${textarea.clientWidth}px`;
  s.height = `${textarea.clientHeight}px`;
  content.style.transform = `translate(${-textarea.scrollLeft}px, ${-textarea.scrollTop}px)`;
}

function clamp(position, max) {
  return Math.max(0, Math.min(position, max));
}

function segment(text, highlight) {
  if (!highlight) return document.createTextNode(text);
  const span = document.createElement('span');
  span.className = 'remote-selection';
  span.style.backgroundColor = highlight.color.soft;
  span.textContent = text;
  return span;
}

function caret(peer) {
  const mark = document.createElement('span');
  mark.className = 'remote-caret';
  const bar = document.createElement('span');
  bar.className = 'remote-caret-bar';
  bar.style.backgroundColor = peer.color.strong;
  const label = document.createElement('span');
  label.className = 'remote-caret-label';
  label.style.backgroundColor = peer.color.strong;
  label.textContent = peer.name;
  mark.append(bar, label);
  return mark;
}
