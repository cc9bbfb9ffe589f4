namespace OnnxVideo.Training.Loading;

internal sealed record LoaderOptions
{
    public int BatchSize { get; init; } = 8;
    /// <summary>Clips decoded in parallel.</summary>
    public int Workers { get; init; } = Math.Max(1, Environment.ProcessorCount);
    /// <summary>Batches prepared ahead of the consumer.</summary>
    public int PrefetchBatches { get; init; } = 2;
    /// <summary>Clips that may fail to decode over the loader's lifetime before loading stops with an error.</summary>
    public int MaxFailedClips { get; init; } = 10;
    /// <summary>Drop the last incomplete training batch (keeps every step's batch the same size).</summary>
    public bool DropLast { get; init; }

    public void Validate()
    {
        if (BatchSize < 1 || Workers < 1 || PrefetchBatches < 1 || MaxFailedClips < 0)
        {
            throw new ArgumentException($"invalid loader options {this}");
        }
    }
}
