// Interoperability with an independent BARE implementation, @bare-ts/lib (npm), on
// fixtures/messages/interop.bare: every kind of BARE type, including 64-bit extremes, NaN,
// infinities, -0, UTF-8 outside the BMP, unions with void members and nested optionals.
//
//   node bare_ts.mjs MESSAGES BW_JSONL OUT
//
// MESSAGES: messages of type All back to back, as `bw encode --stream` wrote them.
// BW_JSONL: `bw decode --stream` of the same messages, one JSON value per line.
// Each message is decoded with bare-ts's readers (strict: bools, UTF-8, enum values, union tags
// and map keys are checked) and compared, value by value, with what barewire decoded; then it is
// encoded again with bare-ts's writers into OUT, which the caller compares with MESSAGES byte for
// byte. Exits 1 with the message index and the path of the first difference.
//
// The type descriptors below mirror the schema by hand, as @bare-ts/tools would generate code
// for it; barewire's JSON is parsed with integers as BigInt so that 64-bit values stay exact.
import * as bare from "@bare-ts/lib"
import { readFileSync, writeFileSync } from "node:fs"

// ---- the schema ------------------------------------------------------------------------------
const num = (r, w, n) => ({ k: "num", r, w, n }) // n: "int" (JS number), "big" (BigInt), "f32", "f64"
const T = {
  u8: num(bare.readU8, bare.writeU8, "int"),
  u16: num(bare.readU16, bare.writeU16, "int"),
  u32: num(bare.readU32, bare.writeU32, "int"),
  u64: num(bare.readU64, bare.writeU64, "big"),
  i8: num(bare.readI8, bare.writeI8, "int"),
  i16: num(bare.readI16, bare.writeI16, "int"),
  i32: num(bare.readI32, bare.writeI32, "int"),
  i64: num(bare.readI64, bare.writeI64, "big"),
  uint: num(bare.readUint, bare.writeUint, "big"),
  int: num(bare.readInt, bare.writeInt, "big"),
  f32: num(bare.readF32, bare.writeF32, "f32"),
  f64: num(bare.readF64, bare.writeF64, "f64"),
  bool: { k: "bool" },
  str: { k: "str" },
  data: { k: "data" },
  void: { k: "void" },
}
const dataN = (n) => ({ k: "dataN", n })
const list = (t, n) => ({ k: "list", t, n }) // n undefined: variable length
const optional = (t) => ({ k: "optional", t })
const map = (key, val) => ({ k: "map", key, val })
const struct = (fields) => ({ k: "struct", fields })

const Color = { k: "enum", names: new Map([[0, "RED"], [2, "GREEN"], [300, "BLUE"]]) }
const Point = struct([["x", T.i32], ["y", T.i32]])
const Circle = struct([["center", Point], ["radius", T.f64]])
const Shape = { k: "union", members: new Map([[0, Point], [5, Circle], [6, T.str], [9, T.void]]) }
const All = struct([
  ["u8", T.u8], ["u16", T.u16], ["u32", T.u32], ["u64", T.u64],
  ["i8", T.i8], ["i16", T.i16], ["i32", T.i32], ["i64", T.i64],
  ["vu", T.uint], ["vi", T.int], ["f32", T.f32], ["f64", T.f64],
  ["flag", T.bool], ["name", T.str], ["blob", T.data], ["tag", dataN(4)], ["color", Color],
  ["maybe", optional(Point)], ["nums", list(T.i16)], ["triple", list(T.u8, 3)],
  ["byName", map(T.str, Color)], ["byId", map(T.u32, T.str)], ["shapes", list(Shape)],
  ["nested", list(optional(list(T.str)))],
])

// ---- reading and writing with bare-ts ----------------------------------------------------------
function read(bc, t) {
  switch (t.k) {
    case "num": return t.r(bc)
    case "bool": return bare.readBool(bc)
    case "str": return bare.readString(bc)
    case "data": return new Uint8Array(bare.readData(bc))
    case "dataN": return new Uint8Array(bare.readFixedData(bc, t.n))
    case "void": return null
    case "enum": {
      const at = bc.offset, v = bare.readUintSafe(bc)
      if (!t.names.has(v)) throw new bare.BareError(at, `enum value ${v} is not defined`)
      return t.names.get(v)
    }
    case "optional": return bare.readBool(bc) ? read(bc, t.t) : null
    case "list": {
      const n = t.n ?? bare.readUintSafe(bc), out = []
      for (let i = 0; i < n; i++) out.push(read(bc, t.t))
      return out
    }
    case "map": {
      const n = bare.readUintSafe(bc), out = new Map()
      for (let i = 0; i < n; i++) {
        const at = bc.offset, key = read(bc, t.key)
        if (out.has(key)) throw new bare.BareError(at, "duplicated key")
        out.set(key, read(bc, t.val))
      }
      return out
    }
    case "union": {
      const at = bc.offset, tag = bare.readUintSafe(bc)
      if (!t.members.has(tag)) throw new bare.BareError(at, `union tag ${tag} is not defined`)
      return { tag, value: read(bc, t.members.get(tag)) }
    }
    case "struct": {
      const out = {}
      for (const [name, ft] of t.fields) out[name] = read(bc, ft)
      return out
    }
  }
  throw new Error(`unknown descriptor ${t.k}`)
}

function write(bc, t, v) {
  switch (t.k) {
    case "num": return t.w(bc, v)
    case "bool": return bare.writeBool(bc, v)
    case "str": return bare.writeString(bc, v)
    case "data": return bare.writeData(bc, v.slice().buffer)
    case "dataN": return bare.writeFixedData(bc, v.slice().buffer)
    case "void": return undefined
    case "enum": {
      for (const [value, name] of t.names) if (name === v) return bare.writeUintSafe(bc, value)
      throw new Error(`no enum member ${v}`)
    }
    case "optional":
      bare.writeBool(bc, v !== null)
      return v !== null ? write(bc, t.t, v) : undefined
    case "list":
      if (t.n === undefined) bare.writeUintSafe(bc, v.length)
      for (const item of v) write(bc, t.t, item)
      return undefined
    case "map":
      bare.writeUintSafe(bc, v.size)
      for (const [key, val] of v) {
        write(bc, t.key, key)
        write(bc, t.val, val)
      }
      return undefined
    case "union":
      bare.writeUintSafe(bc, v.tag)
      return write(bc, t.members.get(v.tag), v.value)
    case "struct":
      for (const [name, ft] of t.fields) write(bc, ft, v[name])
      return undefined
  }
  throw new Error(`unknown descriptor ${t.k}`)
}

// ---- barewire's JSON, integers kept exact ------------------------------------------------------
function parseJson(text) {
  let i = 0
  const ws = () => { while (i < text.length && " \t\r\n".includes(text[i])) i++ }
  function value() {
    ws()
    const c = text[i]
    if (c === "{") {
      i++
      const out = []
      ws()
      if (text[i] === "}") { i++; return { object: out } }
      for (;;) {
        const key = value()
        ws()
        if (text[i++] !== ":") throw new Error(`':' expected at ${i}`)
        out.push([key, value()])
        ws()
        if (text[i] === ",") { i++; continue }
        if (text[i++] === "}") return { object: out }
        throw new Error(`',' or '}' expected at ${i}`)
      }
    }
    if (c === "[") {
      i++
      const out = []
      ws()
      if (text[i] === "]") { i++; return out }
      for (;;) {
        out.push(value())
        ws()
        if (text[i] === ",") { i++; continue }
        if (text[i++] === "]") return out
        throw new Error(`',' or ']' expected at ${i}`)
      }
    }
    if (c === '"') {
      let j = i + 1
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1
      const s = JSON.parse(text.slice(i, j + 1))
      i = j + 1
      return s
    }
    const m = /^(?:true|false|null|-?\d+(\.\d+)?([eE][-+]?\d+)?)/.exec(text.slice(i))
    if (!m) throw new Error(`unexpected '${c}' at ${i}`)
    i += m[0].length
    if (m[0] === "true") return true
    if (m[0] === "false") return false
    if (m[0] === "null") return null
    if (m[1] === undefined && m[2] === undefined && m[0] !== "-0") return BigInt(m[0])
    return Number(m[0])
  }
  const v = value()
  ws()
  if (i !== text.length) throw new Error(`trailing text at ${i}`)
  return v
}

const hex = (bytes) => Buffer.from(bytes).toString("hex")

// Compares bare-ts's value v of type t with barewire's JSON value j; returns the path of the
// first difference, or null.
function diff(t, v, j, path) {
  const bad = (what) => `${path}: bare-ts ${what}`
  switch (t.k) {
    case "num": {
      if (t.n === "int" || t.n === "big")
        return typeof j === "bigint" && BigInt(v) === j ? null : bad(`${v}, barewire ${j}`)
      const want = typeof j === "bigint" ? Number(j) : typeof j === "string" ? Number(j) : j
      const w = t.n === "f32" ? Math.fround(want) : want
      const show = (x) => (Object.is(x, -0) ? "-0" : String(x))
      return Object.is(w, v) ? null : bad(`${show(v)}, barewire ${show(j)}`)
    }
    case "bool":
    case "str":
    case "enum":
      return v === j ? null : bad(`${JSON.stringify(v)}, barewire ${JSON.stringify(j)}`)
    case "void":
      return j === null ? null : bad(`void, barewire ${j}`)
    case "data":
    case "dataN":
      return hex(v) === j ? null : bad(`${hex(v)}, barewire ${j}`)
    case "optional":
      if (v === null || j === null) return v === j ? null : bad(`${v}, barewire ${j}`)
      return diff(t.t, v, j, path)
    case "list":
      if (!Array.isArray(j) || j.length !== v.length) return bad(`${v.length} items`)
      for (let i = 0; i < v.length; i++) {
        const d = diff(t.t, v[i], j[i], `${path}[${i}]`)
        if (d) return d
      }
      return null
    case "map": {
      // barewire: an object for str keys, else an array of [key, value] pairs; in message order.
      const pairs = t.key.k === "str" ? j.object : j
      const entries = [...v]
      if (!pairs || pairs.length !== entries.length) return bad(`${entries.length} entries`)
      for (let i = 0; i < entries.length; i++) {
        const d = diff(t.key, entries[i][0], pairs[i][0], `${path}{key ${i}}`) ||
          diff(t.val, entries[i][1], pairs[i][1], `${path}{${String(entries[i][0])}}`)
        if (d) return d
      }
      return null
    }
    case "union": {
      const o = new Map(j.object)
      if (o.get("tag") !== BigInt(v.tag)) return bad(`tag ${v.tag}, barewire ${o.get("tag")}`)
      return diff(t.members.get(v.tag), v.value, o.get("value"), `${path}<${v.tag}>`)
    }
    case "struct": {
      const o = j.object
      if (o.length !== t.fields.length) return bad(`${t.fields.length} fields`)
      for (let i = 0; i < t.fields.length; i++) {
        const [name, ft] = t.fields[i]
        if (o[i][0] !== name) return bad(`field ${name}, barewire ${o[i][0]}`)
        const d = diff(ft, v[name], o[i][1], `${path}.${name}`)
        if (d) return d
      }
      return null
    }
  }
  throw new Error(`unknown descriptor ${t.k}`)
}

// ---- main --------------------------------------------------------------------------------------
// `node bare_ts.mjs --refuses FILE`: exits 0 when bare-ts refuses FILE as one message of All
// (an error, or bytes left over), 1 when it accepts it.
if (process.argv[2] === "--refuses") {
  const one = new Uint8Array(readFileSync(process.argv[3]))
  const bc = new bare.ByteCursor(one, bare.Config({}))
  try {
    read(bc, All)
  } catch (e) {
    console.log(`bare-ts refuses it: ${e.message}`)
    process.exit(0)
  }
  if (bc.offset !== one.length) {
    console.log(`bare-ts refuses it: ${one.length - bc.offset} bytes left over`)
    process.exit(0)
  }
  console.error("bare-ts accepts it")
  process.exit(1)
}
const [messagesPath, jsonPath, outPath] = process.argv.slice(2)
const bytes = new Uint8Array(readFileSync(messagesPath))
const lines = readFileSync(jsonPath, "utf8").split("\n").filter((l) => l.length > 0)
const config = bare.Config({})
const rd = new bare.ByteCursor(bytes, config)
const wr = new bare.ByteCursor(new Uint8Array(64), config)
let index = 0
while (rd.offset < bytes.length) {
  if (index >= lines.length) {
    console.error(`bare-ts: message ${index} at byte ${rd.offset}: barewire decoded fewer`)
    process.exit(1)
  }
  let value
  try {
    value = read(rd, All)
  } catch (e) {
    console.error(`bare-ts: message ${index}: bare-ts refuses it: ${e.message}`)
    process.exit(1)
  }
  const d = diff(All, value, parseJson(lines[index]), `message ${index}`)
  if (d) {
    console.error(`bare-ts: ${d}`)
    process.exit(1)
  }
  write(wr, All, value)
  index++
}
if (index !== lines.length) {
  console.error(`bare-ts: ${index} messages, barewire decoded ${lines.length}`)
  process.exit(1)
}
writeFileSync(outPath, wr.bytes.subarray(0, wr.offset))
console.log(`bare-ts: ${index} messages decoded alike and re-encoded (${wr.offset} bytes)`)
