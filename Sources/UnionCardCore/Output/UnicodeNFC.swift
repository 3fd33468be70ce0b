// Foundation only for NFC: the standard library has no public Unicode normalisation yet.
import Foundation

/// Unicode NFC with a fast path for the text this registry holds.
public enum UnicodeNFC {
    /// `text` in NFC. Text made only of scalars that NFC leaves alone and that never combine with
    /// a preceding one — ASCII, Latin-1, Latin Extended-A/B, and the precomposed Vietnamese
    /// letters of Latin Extended Additional — is returned as it is (no allocation); anything else
    /// goes through Foundation's normalisation, which costs microseconds per call.
    public static func normalize(_ text: String) -> String {
        let stable = text.unicodeScalars.allSatisfy { scalar in
            switch scalar.value {
            case 0x20...0x7E, 0xA0...0x24F, 0x1E00...0x1EFF: return true
            default: return false
            }
        }
        return stable ? text : text.precomposedStringWithCanonicalMapping
    }
}
