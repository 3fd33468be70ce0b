/// FIPS 180-4 SHA-256 in pure Swift, for API-key hashing and the audit hash chain.
///
/// Not constant-time with respect to message length (which is public anyway); it does no
/// secret-dependent branching on the data.
public enum SHA256 {
    /// The 32-byte digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = Hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The 32-byte digest of `text`'s UTF-8 bytes.
    public static func hash(utf8 text: String) -> [UInt8] {
        hash(Array(text.utf8))
    }

    /// The digest of `bytes` as 64 lower-case hex digits.
    public static func hexDigest(_ bytes: [UInt8]) -> String {
        hex(hash(bytes))
    }

    /// The digest of `text`'s UTF-8 bytes as 64 lower-case hex digits.
    public static func hexDigest(utf8 text: String) -> String {
        hex(hash(utf8: text))
    }

    /// Lower-case hex of any bytes (two digits per byte).
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Incremental hashing, for input that arrives in pieces (e.g. the canonical encoding of
    /// an audit row written field by field).
    public struct Hasher: Sendable {
        private var state: [UInt32] = SHA256.initialState
        private var pending: [UInt8] = []
        private var totalLength: UInt64 = 0

        /// A hasher with no input yet.
        public init() {}

        /// Appends `bytes` to the message.
        public mutating func update(_ bytes: [UInt8]) {
            totalLength &+= UInt64(bytes.count)
            var start = 0
            if !pending.isEmpty {
                let needed = 64 - pending.count
                if bytes.count < needed {
                    pending.append(contentsOf: bytes)
                    return
                }
                pending.append(contentsOf: bytes[0..<needed])
                SHA256.compress(&state, pending[...])
                pending.removeAll(keepingCapacity: true)
                start = needed
            }
            let fullEnd = start + (bytes.count - start) / 64 * 64
            if fullEnd > start { SHA256.compress(&state, bytes[start..<fullEnd]) }
            pending.append(contentsOf: bytes[fullEnd...])
        }

        /// Appends `text`'s UTF-8 bytes to the message.
        public mutating func update(utf8 text: String) {
            update(Array(text.utf8))
        }

        /// Pads the message and returns its 32-byte digest.
        public func finalize() -> [UInt8] {
            var state = state
            var tail = pending
            tail.reserveCapacity(128)
            tail.append(0x80)
            while tail.count % 64 != 56 { tail.append(0) }
            let bitLength = totalLength &* 8
            for shift in stride(from: 56, through: 0, by: -8) {
                tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
            }
            SHA256.compress(&state, tail[...])
            var digest: [UInt8] = []
            digest.reserveCapacity(32)
            for word in state {
                digest.append(UInt8(truncatingIfNeeded: word >> 24))
                digest.append(UInt8(truncatingIfNeeded: word >> 16))
                digest.append(UInt8(truncatingIfNeeded: word >> 8))
                digest.append(UInt8(truncatingIfNeeded: word))
            }
            return digest
        }
    }

    private static let initialState: [UInt32] = [
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab,
        0x5be0_cd19,
    ]

    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4,
        0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7,
        0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc,
        0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351,
        0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e,
        0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585,
        0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f,
        0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7,
        0xc671_78f2,
    ]

    /// Runs the compression function over `blocks` (a multiple of 64 bytes).
    private static func compress(_ state: inout [UInt32], _ blocks: ArraySlice<UInt8>) {
        // Buffer pointers keep the inner loops free of bounds checks and copy-on-write
        // checks; every index below is within 0..<64 or within the slice by construction.
        // The message schedule lives on the stack: a heap array per call (allocated and zeroed)
        // cost more than hashing the 64-byte key secrets it serves on every request.
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            roundConstants.withUnsafeBufferPointer { k in
                blocks.withUnsafeBufferPointer { input in
                    var offset = 0
                    while offset + 64 <= input.count {
                        compressBlock(&state, input, offset, w, k)
                        offset += 64
                    }
                }
            }
        }
    }

    private static func compressBlock(
        _ state: inout [UInt32], _ input: UnsafeBufferPointer<UInt8>, _ offset: Int,
        _ w: UnsafeMutableBufferPointer<UInt32>, _ k: UnsafeBufferPointer<UInt32>
    ) {
        for t in 0..<16 {
            let base = offset + t * 4
            w[t] =
                UInt32(input[base]) << 24 | UInt32(input[base + 1]) << 16
                | UInt32(input[base + 2]) << 8 | UInt32(input[base + 3])
        }
        for t in 16..<64 {
            let w15 = w[t - 15]
            let w2 = w[t - 2]
            let s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >> 3)
            let s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >> 10)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
        }
        var a = state[0]
        var b = state[1]
        var c = state[2]
        var d = state[3]
        var e = state[4]
        var f = state[5]
        var g = state[6]
        var h = state[7]
        for t in 0..<64 {
            let sum1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
            let choose = (e & f) ^ (~e & g)
            let temp1 = h &+ sum1 &+ choose &+ k[t] &+ w[t]
            let sum0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
            let majority = (a & b) ^ (a & c) ^ (b & c)
            let temp2 = sum0 &+ majority
            h = g
            g = f
            f = e
            e = d &+ temp1
            d = c
            c = b
            b = a
            a = temp1 &+ temp2
        }
        state[0] &+= a
        state[1] &+= b
        state[2] &+= c
        state[3] &+= d
        state[4] &+= e
        state[5] &+= f
        state[6] &+= g
        state[7] &+= h
    }

    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
        (x >> n) | (x << (32 - n))
    }
}
