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

    /// <summary>
    /// The profile for the first input of the model at <paramref name="modelPath"/>, or null when its batch dimension is
    /// fixed (TensorRT then needs none) or a later dimension is not. TensorRT takes the profile when the session is
    /// built, before our session could report its inputs, so they are read with a CPU session that skips graph
    /// optimization.
    /// </summary>
    public static TensorRtBatchProfile? ForModel(string modelPath, int minBatch, int optBatch, int maxBatch)
    {
        using var probe = new OrtSession(modelPath, new OrtSessionOptions
        {
            OptimizationLevel = GraphOptimizationLevel.DisableAll,
            IntraOpThreads = 1,
            EnableCpuMemoryArena = false,
        });
        var input = probe.Inputs[0];
        if (input.Shape.Count < 2 || input.Shape[0] > 0 || input.Shape.Skip(1).Any(d => d <= 0))
        {
            return null;
        }

        var profile = new TensorRtBatchProfile(input.Name, input.Shape.Skip(1).ToArray(), minBatch, optBatch, maxBatch);
        profile.Validate();
        return profile;
    }

    /// <summary>ORT's profile text for one batch size, e.g. <c>video:8x3x16x112x112</c>.</summary>
    internal string ShapeText(int batch) =>
        InputName + ":" + string.Join("x", new[] { (long)batch }.Concat(SampleShape).Select(d => d.ToString(CultureInfo.InvariantCulture)));
}
