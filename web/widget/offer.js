/** What an offer card shows, as plain values (the card itself is render/message.js). */
import { euro, germanDate, km, safeUrl } from "../common/format.js";

/** Title, provider, place ("Melle · 2,4 km" or "online"), start, cost and a safe link of one offer. */
export function offerFacts(o, t) {
  const distance = o.distance_km != null && !Number.isNaN(Number(o.distance_km)) ? km(o.distance_km) : null;
  const place = o.online ? t("online") : [o.municipality, distance].filter(Boolean).join(" · ");
  const start = germanDate(o.next_start);
  const price = euro(o.cost_eur);
  return {
    title: String(o.title || t("offer")),
    provider: o.provider ? String(o.provider) : null,
    place: place || null,
    start: start ? t("start", { date: start }) : null,
    cost: price == null ? t("costUnknown") : Number(o.cost_eur) === 0 ? t("free") : price,
    price: price != null && Number(o.cost_eur) !== 0, // cost is a number in euros (not a word)
    href: safeUrl(o.url),
  };
}
