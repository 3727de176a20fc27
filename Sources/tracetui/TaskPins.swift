import ArgumentParser

/// `--task PID…` of the viewers (`replay`, live): those tasks' state lanes are pinned in the timeline (key 7)
/// from the start, as `p` or the timeline's task picker would pin them.
struct TaskPins: ParsableArguments {
    @Option(name: .customLong("task"), parsing: .upToNextOption,
            help: ArgumentHelp("Pids whose state lanes the timeline (key 7) shows from the start.", valueName: "PID"))
    var tasks: [Int32] = []

    func validate() throws {
        if let bad = tasks.first(where: { $0 <= 0 }) { throw ValidationError("--task \(bad): a pid is a positive number") }
    }
}
