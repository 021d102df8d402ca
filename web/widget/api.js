/**
 * The gateway's citizen API (spec §6, §8): JSON over fetch, no cookies, never cached; the event stream's URL.
 * Every call resolves (never rejects) to {status, ok, data}; status 0 means no connection or a timeout.
 */
const REQUEST_TIMEOUT_MS = 45000;

export function createApi(api, fetchImpl = (...args) => fetch(...args)) {
  const conversations = api + "/conversations";

  function request(method, url, body) {
    const ctrl = typeof AbortController === "function" ? new AbortController() : null;
    const timer = ctrl ? setTimeout(() => ctrl.abort(), REQUEST_TIMEOUT_MS) : null;
    const init = { method, credentials: "omit", cache: "no-store", headers: { Accept: "application/json" } };
    if (ctrl) init.signal = ctrl.signal;
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetchImpl(url, init).then(
      (r) => {
        if (timer) clearTimeout(timer);
        if (r.status === 204) return { status: 204, ok: true, data: null };
        return r
          .json()
          .catch(() => null)
          .then((data) => ({ status: r.status, ok: r.ok, data }));
      },
      (error) => {
        if (timer) clearTimeout(timer);
        return { status: 0, ok: false, data: null, error };
      },
    );
  }

  const one = (id) => conversations + "/" + encodeURIComponent(id);

  return {
    /** The widget's texts in the first offered of `preferences` (codes, most wanted first). */
    labels(preferences) {
      const lang = (preferences || []).filter((p) => /^[A-Za-z0-9_-]{1,35}$/.test(p)).slice(0, 8).join(",");
      // The labels are the same for everyone: the browser may keep them (the route says for how long).
      const init = { method: "GET", credentials: "omit", headers: { Accept: "application/json" } };
      return fetchImpl(api + "/labels?lang=" + encodeURIComponent(lang), init).then(
        (r) => r.json().catch(() => null).then((data) => ({ status: r.status, ok: r.ok, data })),
        (error) => ({ status: 0, ok: false, data: null, error }),
      );
    },
    /** A new conversation; `language` only when the citizen's browser asks for an offered one. */
    create(language) {
      return request("POST", conversations, language ? { language } : undefined);
    },
    messages(id, after) {
      return request("GET", one(id) + "/messages?after=" + (after || 0));
    },
    send(id, body) {
      return request("POST", one(id) + "/messages", body);
    },
    remove(id) {
      return request("DELETE", one(id));
    },
    /** 👍/👎 on an answer with offers (#13); a second vote on the same answer replaces the first. */
    feedback(id, seq, helpful) {
      return request("POST", one(id) + "/feedback", { seq, helpful });
    },
    /** The rating 1–5 after a closed handover, with an optional comment for the office (#13). */
    rating(id, body) {
      return request("POST", one(id) + "/feedback", body);
    },
    /** Switch the reply language or Einfache Sprache: {language} or {plain}. */
    update(id, body) {
      return request("PATCH", one(id), body);
    },
    streamUrl(id, after) {
      return one(id) + "/stream?after=" + (after || 0);
    },
  };
}

/** The German reason the server gave, else the offline or the general failure text. */
export function reason(res, t, fallbackKey) {
  const d = res && res.data && res.data.detail;
  if (typeof d === "string" && d) return d;
  return res && res.status === 0 ? t("offline") : t(fallbackKey || "failed");
}
