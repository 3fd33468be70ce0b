/// Calls `body` with a C array of NUL-terminated copies of `strings` (NULL entries for nil), all
/// packed in one buffer that lives for the duration of the call; nil for an empty array.
///
/// Strings holding a NUL byte must be rejected before (`firstIndexWithNUL`): C would cut them short.
func withCStringArray<R>(
    _ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) throws -> R
) rethrows -> R {
    // Bytes, not CChar: appending a String's UTF-8 view to [UInt8] is one bulk copy, while a
    // mapped view is copied byte by byte (a batch's parameters are tens of kilobytes).
    var storage: [UInt8] = []
    storage.reserveCapacity(strings.reduce(0) { $0 + ($1?.utf8.count ?? 0) + 1 })
    var offsets: [Int?] = []
    offsets.reserveCapacity(strings.count)
    for string in strings {
        guard let string else {
            offsets.append(nil)
            continue
        }
        offsets.append(storage.count)
        storage.append(contentsOf: string.utf8)
        storage.append(0)
    }
    return try storage.withUnsafeBufferPointer { bytes in
        try bytes.withMemoryRebound(to: CChar.self) { buffer in
            let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in
                offset.flatMap { offset in buffer.baseAddress.map { $0 + offset } }
            }
            return try pointers.withUnsafeBufferPointer { try body($0.baseAddress) }
        }
    }
}

/// The index of the first string that contains a NUL byte (which a text parameter cannot carry).
func firstIndexWithNUL(_ strings: [String?]) -> Int? {
    strings.firstIndex { $0?.utf8.contains(0) ?? false }
}
