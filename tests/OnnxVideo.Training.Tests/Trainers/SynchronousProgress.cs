namespace OnnxVideo.Training.Tests.Trainers;

/// <summary>Reports on the caller's thread, so a test sees every report in order before the call returns.</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
