/**
 * One message of the conversation as DOM: bubble, offer cards, quick replies, 👍/👎 under offers and the rating
 * 1–5 under the notice that a handover is closed (#13).
 */
import { h } from "../../common/dom.js";
import { linkify } from "../../common/format.js";
import { offerFacts } from "../offer.js";
import { ratingBody } from "../rating.js";
import { icon } from "./icons.js";

let ids = 0; // ids inside the widget's shadow root, for aria-labelledby / label for

const SENDERS = ["user", "bot", "counsellor", "system"];

/** Text with http(s) links made clickable; every piece goes in as a text node. */
export function richText(text, t) {
  const frag = document.createDocumentFragment();
  for (const part of linkify(text)) {
    if (!part.url) {
      frag.appendChild(document.createTextNode(part.text));
      continue;
    }
    frag.appendChild(h("a", { href: part.url, target: "_blank", rel: "noopener noreferrer" }, [
      document.createTextNode(part.text), h("span", { class: "sr", text: " " + t("newTab") }),
    ]));
  }
  return frag;
}

export function offerCard(o, t) {
  const f = offerFacts(o, t);
  const link = f.href ? h("a", { href: f.href, target: "_blank", rel: "noopener noreferrer" }, [
    document.createTextNode(t("more")),
    h("span", { class: "sr", text: ": " + f.title + " " + t("newTab") }),
  ]) : null;
  return h("li", { class: "offer" }, [
    h("h3", { class: "offer-title", text: f.title }),
    f.provider ? h("p", { class: "offer-meta", text: f.provider }) : null,
    f.place ? h("p", { class: "offer-meta", text: f.place }) : null,
    f.start ? h("p", { class: "offer-meta", text: f.start }) : null,
    // A price is written left to right in every panel ("45,50 €", not "€ 45,50" in Arabic).
    h("p", { class: "offer-cost" }, [h("span", { dir: f.price ? "ltr" : null, text: f.cost })]),
    link,
  ]);
}

/** The message's language (#12): `lang` for screen readers; the direction follows each text (dir=auto). */
export function setLanguage(el, language) {
  if (typeof language === "string" && language) el.setAttribute("lang", language);
}

/**
 * "Hat das geholfen?" with 👍 and 👎 (named for screen readers). `onVote(helpful, group)` sends the vote and
 * resolves true when it was counted; then the question gives way to the thanks.
 */
export function feedbackGroup(t, onVote) {
  const question = h("p", { class: "feedback-q", text: t("helpfulQ") });
  const group = h("div", { class: "feedback", role: "group", "aria-label": t("helpfulQ") });
  const vote = (helpful) => {
    for (const b of group.querySelectorAll("button")) b.disabled = true;
    onVote(helpful).then((counted) => {
      if (counted) thank(group, t);
      else for (const b of group.querySelectorAll("button")) b.disabled = false;
    });
  };
  const button = (helpful, name, key) => h("button", {
    type: "button", class: "vote", "aria-label": t(key), title: t(key), onclick: () => vote(helpful),
  }, [icon(name)]); // 👍/👎 drawn, not emoji: no emoji font needed
  group.append(question, button(true, "up", "helpfulYes"), button(false, "down", "helpfulNo"));
  return group;
}

/** The group replaced by its thanks (also shown for answers voted on before a reload). */
export function thank(group, t) {
  const thanks = h("p", { class: "thanks", text: t("thanks"), tabindex: "-1" });
  group.replaceWith(thanks);
  return thanks;
}

/**
 * "Wie zufrieden waren Sie mit der Beratung?" with 1–5 (buttons named "n von 5", the scale explained by its hint),
 * then the optional comment with "Absenden" and "Nein danke". `onRate(body)` sends {rating, comment} and resolves
 * true when it was stored; the rating counts at once, a comment is sent with it again (the second replaces it).
 */
export function ratingGroup(t, onRate, onDone) {
  const n = ++ids;
  const group = h("div", {
    class: "rating", role: "group", "aria-labelledby": "bl-rq" + n, "aria-describedby": "bl-rh" + n,
  });
  const done = () => {
    const thanks = thank(group, t);
    if (onDone) onDone(thanks);
  };
  const scale = h("div", { class: "scale" });
  const rate = (value) => {
    for (const b of scale.querySelectorAll("button")) b.disabled = true;
    onRate(ratingBody(value, null)).then((stored) => {
      if (stored) askComment(value);
      else for (const b of scale.querySelectorAll("button")) b.disabled = false;
    });
  };
  for (let value = 1; value <= 5; value++) {
    scale.appendChild(h("button", {
      type: "button", class: "vote", text: String(value), "aria-label": t("rateN", { number: value }),
      onclick: () => rate(value),
    }));
  }
  group.append(
    h("p", { class: "feedback-q", id: "bl-rq" + n, text: t("rateQ") }),
    h("p", { class: "rating-hint", id: "bl-rh" + n, text: t("rateHint") }),
    scale,
  );

  function askComment(value) {
    const box = h("textarea", { id: "bl-rc" + n, class: "comment", rows: "3", maxlength: "1000" });
    const send = h("button", { type: "button", class: "btn", text: t("commentSend") });
    const skip = h("button", { type: "button", class: "btn", text: t("commentSkip"), onclick: done });
    send.addEventListener("click", () => {
      const body = ratingBody(value, box.value);
      if (!body.comment) return done();
      send.disabled = skip.disabled = true;
      onRate(body).then((stored) => {
        if (stored) done();
        else send.disabled = skip.disabled = false;
      });
    });
    group.removeAttribute("aria-describedby");
    group.setAttribute("aria-labelledby", "bl-rl" + n);
    group.replaceChildren(
      h("label", { class: "feedback-q", id: "bl-rl" + n, for: "bl-rc" + n, text: t("commentQ") }),
      box,
      h("div", { class: "row" }, [send, skip]),
    );
    box.focus();
    if (group.scrollIntoView) group.scrollIntoView({ block: "nearest" }); // the buttons under the field too
  }
  return group;
}

/**
 * A message element. `on.botName` names the assistant for screen readers (the widget's title), `on.dir()` is
 * the labels' direction;
 * `on.quickReply(payload, title)` for its buttons; `on.vote(seq, helpful)` for answers with
 * offers (resolves true once counted); `on.voted(seq)` tells whether the citizen voted on it already;
 * `on.rateable(handover)`, `on.rated(ticket)`, `on.rate(ticket, body)` and `on.rateDone(thanks)` for the rating.
 */
export function renderMessage(m, t, on) {
  const sender = SENDERS.indexOf(m.sender) >= 0 ? m.sender : "bot";
  const el = h("div", { class: "msg " + sender + (m.error ? " error" : "") });
  if (m.seq != null) el.setAttribute("data-seq", String(m.seq));
  setLanguage(el, m.language);
  if (sender === "counsellor") el.appendChild(h("p", { class: "who", text: t("counsellor") }));
  const text = typeof m.text === "string" ? m.text : "";
  if (text) {
    const bubble = h("div", { class: "bubble", dir: "auto" });
    const who = { user: t("you"), bot: on && on.botName, system: t("system") }[sender];
    // The prefix has the panel's direction of its own, so that dir=auto goes by the message's text alone.
    if (who) bubble.appendChild(h("span", { class: "sr", dir: (on && on.dir && on.dir()) || "ltr", text: who + ": " }));
    bubble.appendChild(richText(text, t));
    el.appendChild(bubble);
  }
  const offers = Array.isArray(m.offers) ? m.offers : [];
  if (offers.length) {
    el.appendChild(h("ul", { class: "offers", "aria-label": t("offers") }, offers.map((o) => offerCard(o, t))));
    if (sender === "bot" && typeof m.seq === "number" && on && on.vote) {
      const seq = m.seq;
      const group = feedbackGroup(t, (helpful) => on.vote(seq, helpful));
      el.appendChild(group);
      if (on.voted && on.voted(seq)) thank(group, t);
    }
  }
  if (sender === "system" && m.handover && on && on.rateable && on.rateable(m.handover)) {
    const ticket = m.handover.ticket_id;
    if (on.rated(ticket)) {
      el.appendChild(h("p", { class: "thanks", text: t("thanks"), tabindex: "-1" }));
    } else {
      el.appendChild(ratingGroup(t, (body) => on.rate(ticket, body), on.rateDone));
    }
  }
  const buttons = Array.isArray(m.buttons) ? m.buttons : [];
  if (buttons.length) {
    el.appendChild(h("div", { class: "quick", role: "group", "aria-label": t("quick") }, buttons.map((b) => {
      const title = String(b.title || b.payload || "");
      return h("button", {
        type: "button", class: "btn", text: title,
        onclick: () => on && on.quickReply && on.quickReply(String(b.payload || ""), title),
      });
    })));
  }
  return el;
}
