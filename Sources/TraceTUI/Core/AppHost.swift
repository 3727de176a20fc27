/// The side effects the app asks for and only the executable can do (it owns files and the capture): save,
/// export, turn events on or off. It turns each into a job on the loop's runner, or does it at once; outcomes
/// come back as events.
@MainActor
public protocol AppHost: AnyObject {
    func perform(_ effect: Effect, jobs: JobRunner)
}
