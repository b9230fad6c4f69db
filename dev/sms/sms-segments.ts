// GSM 03.38: the basic table (ESC left out) and the extension table, whose characters take two septets.
const GSM_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const GSM_EXTENSION = new Set("\f^{}\\[~]|€");

/**
 * How many SMS parts carry `body`: GSM-7 fits 160 septets in one part and 153 per part when
 * concatenated; anything else goes as UCS-2, 70 and 67 UTF-16 units. A character is never split.
 */
export function countSegments(body: string): number {
  const septets = gsmSeptets(body);
  if (septets) return pack(septets, 160, 153);
  return pack(Array.from(body, (character) => character.length), 70, 67);
}

function gsmSeptets(body: string): number[] | null {
  const costs: number[] = [];
  for (const character of body) {
    if (GSM_BASIC.has(character)) costs.push(1);
    else if (GSM_EXTENSION.has(character)) costs.push(2);
    else return null;
  }
  return costs;
}

function pack(costs: readonly number[], single: number, perPart: number): number {
  const total = costs.reduce((sum, cost) => sum + cost, 0);
  if (total <= single) return 1;
  let parts = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > perPart) {
      parts += 1;
      used = 0;
    }
    used += cost;
  }
  return parts;
}
