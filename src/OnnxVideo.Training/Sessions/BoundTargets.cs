using OnnxVideo.Ort;

namespace OnnxVideo.Training.Sessions;

/// <summary>The target values bound for one run (labels, soft targets or token tensors), kept alive until it has finished.</summary>
internal sealed class BoundTargets(params OrtValue?[] values) : IDisposable
{
    public void Dispose()
    {
        foreach (var value in values)
        {
            value?.Dispose();
        }
    }
}
