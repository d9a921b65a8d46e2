/**
 * A minimal XML element tree and its serialisation for the EDM files. The builder produces the tree (which
 * the specs inspect without an XML parser) and `renderXml` turns it into text for a windows-1251 file:
 * markup characters are escaped, and every character windows-1251 cannot encode is written as a numeric
 * character reference, so encoding the text loses nothing.
 */

export interface XmlElement {
  readonly name: string;
  /** In document order; attributes whose value is undefined are not written. */
  readonly attributes: ReadonlyArray<readonly [string, string]>;
  readonly children: ReadonlyArray<XmlElement | string>;
}

type AttributeValues = Record<string, string | number | undefined>;

/** An element: `element('Файл', { ИдФайл: id }, child, …)`; undefined attributes and children are left out. */
export function element(
  name: string,
  attributes: AttributeValues = {},
  ...children: Array<XmlElement | string | undefined | false | ReadonlyArray<XmlElement>>
): XmlElement {
  return {
    name,
    attributes: Object.entries(attributes)
      .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
      .map(([key, value]) => [key, String(value)] as const),
    children: children.flatMap((child) =>
      child === undefined || child === false
        ? []
        : Array.isArray(child)
          ? child
          : [child as XmlElement | string],
    ),
  };
}

/**
 * The characters windows-1251 encodes besides ASCII: its bytes 0x80–0xFF (0x98 is unassigned), of which
 * 0xC0–0xFF are А–я (U+0410–U+044F).
 */
const WINDOWS_1251_UPPER_HALF = new Set(
  '\u0402\u0403\u201a\u0453\u201e\u2026\u2020\u2021\u20ac\u2030\u0409\u2039\u040a\u040c\u040b\u040f' +
    '\u0452\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u2122\u0459\u203a\u045a\u045c\u045b\u045f' +
    '\u00a0\u040e\u045e\u0408\u00a4\u0490\u00a6\u00a7\u0401\u00a9\u0404\u00ab\u00ac\u00ad\u00ae\u0407' +
    '\u00b0\u00b1\u0406\u0456\u0491\u00b5\u00b6\u00b7\u0451\u2116\u0454\u00bb\u0458\u0405\u0455\u0457',
);

export function encodableInWindows1251(char: string): boolean {
  const code = char.codePointAt(0)!;
  return code < 0x80 || (code >= 0x0410 && code <= 0x044f) || WINDOWS_1251_UPPER_HALF.has(char);
}

/** Characters XML 1.0 does not allow at all (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
function allowedInXml(code: number): boolean {
  if (code === 0x9 || code === 0xa || code === 0xd) return true;
  if (code < 0x20) return false;
  if (code >= 0xd800 && code <= 0xdfff) return false;
  return code !== 0xfffe && code !== 0xffff;
}

/**
 * Escapes text for an attribute value (`inAttribute`) or element content. `<`, `>`, `&` and `"` become
 * entities, tab/LF/CR in attributes character references (so attribute normalisation keeps them), and
 * whatever windows-1251 lacks a numeric reference. Characters XML forbids become U+FFFD (written `&#65533;`).
 */
export function escapeXml(text: string, inAttribute = true): string {
  let out = '';
  for (const char of text) {
    let code = char.codePointAt(0)!;
    let c = char;
    if (!allowedInXml(code)) {
      code = 0xfffd;
      c = '\ufffd';
    }
    if (c === '&') out += '&amp;';
    else if (c === '<') out += '&lt;';
    else if (c === '>') out += '&gt;';
    else if (c === '"' && inAttribute) out += '&quot;';
    else if ((c === '\t' || c === '\n' || c === '\r') && inAttribute) out += `&#${code};`;
    else if (c === '\r') out += '&#13;';
    else if (!encodableInWindows1251(c)) out += `&#${code};`;
    else out += c;
  }
  return out;
}

/** The XML declaration of a windows-1251 file. */
export const WINDOWS_1251_DECLARATION = '<?xml version="1.0" encoding="windows-1251"?>';

/** The document as text: the declaration, then the tree indented by two spaces, LF line ends. */
export function renderXml(root: XmlElement): string {
  const lines: string[] = [WINDOWS_1251_DECLARATION];
  const write = (node: XmlElement, depth: number) => {
    const indent = '  '.repeat(depth);
    const attributes = node.attributes.map(([key, value]) => ` ${key}="${escapeXml(value)}"`).join('');
    if (node.children.length === 0) {
      lines.push(`${indent}<${node.name}${attributes}/>`);
    } else if (node.children.every((child) => typeof child === 'string')) {
      const text = (node.children as string[]).map((child) => escapeXml(child, false)).join('');
      lines.push(`${indent}<${node.name}${attributes}>${text}</${node.name}>`);
    } else {
      lines.push(`${indent}<${node.name}${attributes}>`);
      for (const child of node.children) {
        if (typeof child === 'string') lines.push(`${indent}  ${escapeXml(child, false)}`);
        else write(child, depth + 1);
      }
      lines.push(`${indent}</${node.name}>`);
    }
  };
  write(root, 0);
  return `${lines.join('\n')}\n`;
}
