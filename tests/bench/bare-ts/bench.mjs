// Baseline for tests/bench/bench_codec.c: decodes and re-encodes the same messages with
// @bare-ts/lib, through the functions @bare-ts/tools would generate for the same schema:
//   type Fixed struct { a: u8 b: u16 c: u32 d: u64 e: i8 f: i16 g: i32 h: i64 x: f32 y: f64 z: f64 }
//   type Varint struct { id: uint a: int b: uint c: int d: uint e: int f: uint g: int flag: bool }
//   type Text struct { name: str email: str tags: list<str> scores: list<u32> note: optional<str> }
//   type Dict map<str><u32>
// To give bare-ts its fastest path, 64-bit and varint fields use the *Safe readers/writers
// (JS numbers; the generator keeps values below 2^53); one ByteCursor is reused for encoding.
// Usage: node bench.mjs DIR (DIR holds <kind>.bin and <kind>.len). Prints per kind:
//   bare-ts KIND DECODE_MB_PER_S ENCODE_MB_PER_S
import * as bare from "@bare-ts/lib"
import { readFileSync } from "node:fs"
import { join } from "node:path"

const config = bare.Config({})

function readFixed(bc) {
  return {
    a: bare.readU8(bc), b: bare.readU16(bc), c: bare.readU32(bc), d: bare.readU64Safe(bc),
    e: bare.readI8(bc), f: bare.readI16(bc), g: bare.readI32(bc), h: bare.readI64Safe(bc),
    x: bare.readF32(bc), y: bare.readF64(bc), z: bare.readF64(bc),
  }
}
function writeFixed(bc, x) {
  bare.writeU8(bc, x.a); bare.writeU16(bc, x.b); bare.writeU32(bc, x.c); bare.writeU64Safe(bc, x.d)
  bare.writeI8(bc, x.e); bare.writeI16(bc, x.f); bare.writeI32(bc, x.g); bare.writeI64Safe(bc, x.h)
  bare.writeF32(bc, x.x); bare.writeF64(bc, x.y); bare.writeF64(bc, x.z)
}

function readVarint(bc) {
  return {
    id: bare.readUintSafe(bc), a: bare.readIntSafe(bc), b: bare.readUintSafe(bc),
    c: bare.readIntSafe(bc), d: bare.readUintSafe(bc), e: bare.readIntSafe(bc),
    f: bare.readUintSafe(bc), g: bare.readIntSafe(bc), flag: bare.readBool(bc),
  }
}
function writeVarint(bc, x) {
  bare.writeUintSafe(bc, x.id); bare.writeIntSafe(bc, x.a); bare.writeUintSafe(bc, x.b)
  bare.writeIntSafe(bc, x.c); bare.writeUintSafe(bc, x.d); bare.writeIntSafe(bc, x.e)
  bare.writeUintSafe(bc, x.f); bare.writeIntSafe(bc, x.g); bare.writeBool(bc, x.flag)
}

function readStrList(bc) {
  const len = bare.readUintSafe(bc)
  const result = new Array(len)
  for (let i = 0; i < len; i++) result[i] = bare.readString(bc)
  return result
}
function readU32List(bc) {
  const len = bare.readUintSafe(bc)
  const result = new Array(len)
  for (let i = 0; i < len; i++) result[i] = bare.readU32(bc)
  return result
}
function readText(bc) {
  return {
    name: bare.readString(bc), email: bare.readString(bc), tags: readStrList(bc),
    scores: readU32List(bc), note: bare.readBool(bc) ? bare.readString(bc) : null,
  }
}
function writeText(bc, x) {
  bare.writeString(bc, x.name); bare.writeString(bc, x.email)
  bare.writeUintSafe(bc, x.tags.length)
  for (const t of x.tags) bare.writeString(bc, t)
  bare.writeUintSafe(bc, x.scores.length)
  for (const s of x.scores) bare.writeU32(bc, s)
  bare.writeBool(bc, x.note !== null)
  if (x.note !== null) bare.writeString(bc, x.note)
}

function readDict(bc) {
  const len = bare.readUintSafe(bc)
  const result = new Map()
  for (let i = 0; i < len; i++) {
    const offset = bc.offset
    const key = bare.readString(bc)
    if (result.has(key)) {
      bc.offset = offset
      throw new bare.BareError(offset, "duplicated key")
    }
    result.set(key, bare.readU32(bc))
  }
  return result
}
function writeDict(bc, x) {
  bare.writeUintSafe(bc, x.size)
  for (const [k, v] of x) {
    bare.writeString(bc, k)
    bare.writeU32(bc, v)
  }
}

// type Record struct { id: u32 ok: bool color: Color pts: list<i16>[4] w: f64 bits: list<bool>[3] }
// with enum Color { RED GREEN BLUE = 7 }, as @bare-ts/tools generates it
function readColor(bc) {
  const offset = bc.offset
  const tag = bare.readUintSafe(bc)
  if (tag !== 0 && tag !== 1 && tag !== 7) {
    bc.offset = offset
    throw new bare.BareError(offset, "invalid tag")
  }
  return tag
}
function readRecord(bc) {
  const id = bare.readU32(bc), ok = bare.readBool(bc), color = readColor(bc)
  const pts = [bare.readI16(bc), bare.readI16(bc), bare.readI16(bc), bare.readI16(bc)]
  const w = bare.readF64(bc)
  const bits = [bare.readBool(bc), bare.readBool(bc), bare.readBool(bc)]
  return { id, ok, color, pts, w, bits }
}
function writeRecord(bc, x) {
  bare.writeU32(bc, x.id); bare.writeBool(bc, x.ok); bare.writeUintSafe(bc, x.color)
  for (const p of x.pts) bare.writeI16(bc, p)
  bare.writeF64(bc, x.w)
  for (const b of x.bits) bare.writeBool(bc, b)
}

const kinds = {
  fixed: [readFixed, writeFixed],
  varint: [readVarint, writeVarint],
  text: [readText, writeText],
  map: [readDict, writeDict],
  record: [readRecord, writeRecord],
}

// Best seconds per pass over 30 rounds of >= 10 ms each, after warm-up (as the C side does).
function measure(pass) {
  for (let i = 0; i < 20; i++) pass()
  let best = Infinity
  for (let round = 0; round < 30; round++) {
    const t0 = performance.now()
    let passes = 0
    let t
    do {
      pass()
      passes++
      t = (performance.now() - t0) / 1000
    } while (t < 0.01)
    best = Math.min(best, t / passes)
  }
  return best
}

const dir = process.argv[2]
let sink = 0
for (const [kind, [read, write]] of Object.entries(kinds)) {
  const bytes = new Uint8Array(readFileSync(join(dir, `${kind}.bin`)))
  const lens = readFileSync(join(dir, `${kind}.len`), "utf8").trim().split("\n").map(Number)
  const msgs = []
  let off = 0
  for (const n of lens) {
    msgs.push(bytes.subarray(off, off + n))
    off += n
  }
  const values = msgs.map((m) => {
    const bc = new bare.ByteCursor(m, config)
    const v = read(bc)
    if (bc.offset !== m.length) throw new Error(`${kind}: trailing bytes`)
    return v
  })
  // Correctness: re-encoding gives the same bytes.
  const out = new bare.ByteCursor(new Uint8Array(1 << 16), config)
  values.forEach((v, i) => {
    out.offset = 0
    write(out, v)
    const got = out.bytes.subarray(0, out.offset)
    if (got.length !== msgs[i].length || got.some((b, k) => b !== msgs[i][k]))
      throw new Error(`${kind}: message ${i} re-encodes differently`)
  })
  const decode = () => {
    for (const m of msgs) {
      const bc = new bare.ByteCursor(m, config)
      const v = read(bc)
      if (bc.offset !== m.length) throw new Error("trailing")
      sink += v === null ? 0 : 1
    }
  }
  const encode = () => {
    for (const v of values) {
      out.offset = 0
      write(out, v)
      sink += out.offset
    }
  }
  const td = measure(decode)
  const te = measure(encode)
  console.log(`bare-ts ${kind} ${(off / td / 1e6).toFixed(2)} ${(off / te / 1e6).toFixed(2)}`)
}
if (sink < 0) console.log(sink)
