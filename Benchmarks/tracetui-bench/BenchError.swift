/// A failure that stops the benchmark, said in one line.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    /// `--help` exits through this path too, but successfully.
    var isHelp = false

    init(_ description: String, isHelp: Bool = false) {
        self.description = description
        self.isHelp = isHelp
    }
}
