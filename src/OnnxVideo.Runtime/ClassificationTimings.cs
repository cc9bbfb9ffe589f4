namespace OnnxVideo.Runtime;

/// <summary>
/// Where the time of one item went. <see cref="Decode"/> is ffmpeg (probe, seek, decode, scale, crop);
/// <see cref="Preprocess"/> is normalisation into the model layout; <see cref="Inference"/> is this item's share of the
/// ONNX Runtime runs that held its clips (a batch's run time split by clip count); <see cref="Queue"/> is time its clips
/// waited for the batcher; <see cref="Total"/> is wall time from start to result.
/// </summary>
public sealed record ClassificationTimings(
    TimeSpan Decode,
    TimeSpan Preprocess,
    TimeSpan Inference,
    TimeSpan Queue,
    TimeSpan Total)
{
    public static ClassificationTimings Zero { get; } = new(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
}
