namespace OnnxVideo.Runtime;

/// <summary>
/// Runs the model on a batch of preprocessed clips held in a reused staging buffer. Not thread-safe: one caller
/// (the batcher loop) at a time, except <see cref="Terminate"/>.
/// </summary>
internal interface IClipBatchRunner : IDisposable
{
    /// <summary>Floats in one clip (C·T·H·W).</summary>
    int ClipElements { get; }
    int ClassCount { get; }
    int MaxBatch { get; }

    /// <summary>Copies one clip into slot <paramref name="slot"/> of the next batch.</summary>
    void Stage(int slot, ReadOnlySpan<float> clip);

    /// <summary>Runs slots [0, count) and keeps their logits until the next run.</summary>
    void Run(int count);

    ReadOnlySpan<float> Logits(int slot);

    /// <summary>Asks a running <see cref="Run"/> for <paramref name="generation"/> to stop (thread-safe).</summary>
    void Terminate(long generation);

    /// <summary>Generation of the run in progress or last started; <see cref="Run"/> increments it.</summary>
    long Generation { get; }
}
