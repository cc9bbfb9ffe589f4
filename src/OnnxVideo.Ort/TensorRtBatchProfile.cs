using System.Globalization;

namespace OnnxVideo.Ort;

/// <summary>
/// A TensorRT optimization profile for an input whose first dimension is a dynamic batch: engines are built for
/// batches <see cref="MinBatch"/> to <see cref="MaxBatch"/>, tuned for <see cref="OptBatch"/>, with the rest of the
/// shape fixed to <see cref="SampleShape"/>. Without one, TensorRT rebuilds its engine whenever a larger batch shows up.
/// </summary>
public sealed record TensorRtBatchProfile(string InputName, IReadOnlyList<long> SampleShape, int MinBatch, int OptBatch, int MaxBatch)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(InputName) || InputName.Contains(':') || InputName.Contains(','))
        {
            throw new ArgumentException($"TensorRT batch profile: input name '{InputName}' cannot be written into a shape profile");
        }
        if (SampleShape.Count == 0 || SampleShape.Any(d => d <= 0))
        {
            throw new ArgumentException($"TensorRT batch profile: sample shape [{string.Join(", ", SampleShape)}] needs fixed positive dimensions");
        }
        if (MinBatch < 1 || OptBatch < MinBatch || MaxBatch < OptBatch)
        {
            throw new ArgumentException($"TensorRT batch profile: batches must satisfy 1 <= min <= opt <= max (got min {MinBatch}, opt {OptBatch}, max {MaxBatch})");
        }
    }

    /// <summary>ORT's profile text for one batch size, e.g. <c>video:8x3x16x112x112</c>.</summary>
    internal string ShapeText(int batch) =>
        InputName + ":" + string.Join("x", new[] { (long)batch }.Concat(SampleShape).Select(d => d.ToString(CultureInfo.InvariantCulture)));
}
