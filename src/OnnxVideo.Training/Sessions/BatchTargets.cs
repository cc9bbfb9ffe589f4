using OnnxVideo.Ort;
using OnnxVideo.Training.Packages;

namespace OnnxVideo.Training.Sessions;

/// <summary>
/// What a batch is trained against, bound to whichever input the graph takes: soft targets [N, classes] (given, or
/// one-hot rows of the labels) for graphs with a soft-target input, the labels int64 [N] otherwise (eval graphs and
/// packages written before soft targets).
/// </summary>
internal static class BatchTargets
{
    /// <summary>Binds the batch's labels or targets; the returned value must stay alive until the run has finished.</summary>
    public static OrtValue? Bind(OrtIoBinding binding, OrtSession session, TrainingGraphNames names, ReadOnlySpan<int> labels,
        ReadOnlySpan<float> softTargets, int classCount)
    {
        var n = labels.Length;
        var labelData = new long[n];
        for (var i = 0; i < n; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"label outside the {classCount} classes");
            }
            labelData[i] = labels[i];
        }
        if (names.Targets is { } targetsName && session.InputNames.Contains(targetsName))
        {
            var value = OrtValue.CreateTensor(Targets(labelData, softTargets, classCount), n, classCount);
            binding.BindInput(targetsName, value);
            return value;
        }
        if (!softTargets.IsEmpty)
        {
            throw new InvalidOperationException("this package's training graphs take hard labels (it was written before soft targets): "
                + "soft targets need a package written again with 'onnxvideo-export package'");
        }
        if (!session.InputNames.Contains(names.Labels))
        {
            return null;
        }
        var labelValue = OrtValue.CreateTensor(labelData, n);
        binding.BindInput(names.Labels, labelValue);
        return labelValue;
    }

    private static float[] Targets(long[] labels, ReadOnlySpan<float> softTargets, int classCount)
    {
        var n = labels.Length;
        if (!softTargets.IsEmpty)
        {
            if (softTargets.Length != n * classCount)
            {
                throw new ArgumentException($"soft targets of a batch of {n} need {n}×{classCount} values, got {softTargets.Length}");
            }
            return softTargets.ToArray();
        }
        var oneHot = new float[n * classCount];
        for (var i = 0; i < n; i++)
        {
            oneHot[i * classCount + labels[i]] = 1f;
        }
        return oneHot;
    }
}
