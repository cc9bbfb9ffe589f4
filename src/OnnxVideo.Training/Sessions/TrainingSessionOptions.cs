using OnnxVideo.Ort;

namespace OnnxVideo.Training.Sessions;

public sealed record TrainingSessionOptions
{
    public ExecutionProvider ExecutionProvider { get; init; } = ExecutionProvider.Cpu;
    /// <summary>ORT intra-op threads; 0 = one per core. Fixed counts with sequential execution make CPU runs repeatable.</summary>
    public int IntraOpThreads { get; init; }
    /// <summary>Global gradient-norm clipping threshold fed to the graphs (0 = off).</summary>
    public float ClipNorm { get; init; }
    public float LearningRate { get; init; } = 1e-3f;
}
