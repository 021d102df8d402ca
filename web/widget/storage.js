/** localStorage / sessionStorage that never throw (private modes, blocked storage): then kept in memory. */
export function createStorage(win) {
  const mem = {};
  function get(area, key) {
    try {
      return win[area].getItem(key);
    } catch {
      return mem[area + key] || null;
    }
  }
  function set(area, key, value) {
    try {
      if (value == null) win[area].removeItem(key);
      else win[area].setItem(key, value);
    } catch {
      if (value == null) delete mem[area + key];
      else mem[area + key] = value;
    }
  }
  return { get, set };
}

/** The stored conversation: {id, seq, language, voted: [seq], rated: [ticket id], plain} or null (anything malformed is null). */
export function parseSaved(raw) {
  let saved;
  try {
    saved = JSON.parse(raw || "null");
  } catch {
    return null;
  }
  if (!saved || typeof saved.id !== "string" || !saved.id) return null;
  return {
    id: saved.id,
    seq: Number.isInteger(saved.seq) ? saved.seq : 0,
    language: typeof saved.language === "string" ? saved.language : null,
    voted: Array.isArray(saved.voted) ? saved.voted.filter(Number.isInteger) : [],
    rated: Array.isArray(saved.rated) ? saved.rated.filter((v) => typeof v === "string" && v) : [],
    plain: saved.plain === true,
  };
}
