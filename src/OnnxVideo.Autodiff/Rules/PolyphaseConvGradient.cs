using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Autodiff.Rules;

/// <summary>
/// Input gradient of a strided Conv without multiplying by interleaved zeros: along an axis with stride s, the
/// input positions of phase r (position + pad ≡ r mod s) only meet the kernel taps r, r+s, r+2s, …, so each phase
/// is a stride-1 Conv of dy with that sub-kernel. The s phases are interleaved again (Unsqueeze, Concat, Reshape)
/// and the padding is cut off. Total multiply-adds equal the forward Conv's, where zero-interleaving dy costs
/// s× more per strided axis. Axes with stride 1 are handled directly; strided axes must have dilation 1.
/// </summary>
internal static class PolyphaseConvGradient
{
    private readonly record struct AxisPhase(long Start, long Taps, long Step, long PadBegin, long Length);

    public static bool Applies(ConvAxis[] axes) => axes.Any(a => a.Stride > 1) && axes.All(a => a.Stride == 1 || a.Dilation == 1);

    /// <param name="flippedWeights">Weights from <see cref="ConvGradients.InputGradientWeights"/> (channels swapped, every spatial axis reversed).</param>
    public static string InputGradient(GradientContext c, string dy, string flippedWeights, ConvAxis[] axes, long groups)
    {
        int n = axes.Length;
        var phases = new AxisPhase[n][];
        for (int i = 0; i < n; i++)
        {
            var a = axes[i];
            if (a.Stride == 1)
            {
                phases[i] = [new AxisPhase(0, a.Kernel, 1, (a.Kernel - 1) * a.Dilation - a.PadBegin, a.In)];
                continue;
            }
            long positions = (a.In + a.PadBegin + a.Stride - 1) / a.Stride;
            phases[i] = new AxisPhase[a.Stride];
            for (int r = 0; r < a.Stride; r++)
            {
                long taps = r < a.Kernel ? (a.Kernel - r + a.Stride - 1) / a.Stride : 0;
                phases[i][r] = new AxisPhase(a.Kernel - 1 - r - (taps - 1) * a.Stride, taps, a.Stride, taps - 1, positions);
            }
        }

        var results = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var combo in Combinations(phases.Select(p => p.Length).ToArray()))
        {
            var chosen = combo.Select((r, i) => phases[i][r]).ToArray();
            results[Key(combo)] = chosen.Any(p => p.Taps == 0) ? null : PhaseConv(c, dy, flippedWeights, axes, chosen, groups);
        }
        var template = results.Values.First(v => v is not null)!;
        var zeros = results.Values.Any(v => v is null)
            ? c.Op("ConstantOfShape", [c.Op("Shape", template)], new Dictionary<string, object> { ["value"] = ConstantTensors.Scalar("value", 0, c.ElemType(dy), rankZero: false) })
            : null;

        var lengths = phases.Select(p => p[0].Length).ToArray();
        var current = results.ToDictionary(kv => kv.Key, kv => kv.Value ?? zeros!, StringComparer.Ordinal);
        for (int i = n - 1; i >= 0; i--)
        {
            long s = axes[i].Stride;
            if (s == 1) continue;
            int axis = 2 + i;
            lengths[i] *= s;
            var merged = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var group in current.GroupBy(kv => WithoutAxis(kv.Key, i)))
            {
                var ordered = group.OrderBy(kv => AxisIndex(kv.Key, i)).Select(kv => c.Unsqueeze(kv.Value, axis + 1)).ToArray();
                var stacked = c.Op("Concat", ordered, new Dictionary<string, object> { ["axis"] = (long)(axis + 1) });
                merged[group.Key] = c.Reshape(stacked, c.Ints([0, 0, .. lengths]));
            }
            current = merged;
        }
        var dx = current.Values.Single();
        var strided = Enumerable.Range(0, n).Where(i => axes[i].Stride > 1).ToArray();
        return c.Op("Slice", dx, c.Ints(strided.Select(i => axes[i].PadBegin).ToArray()),
            c.Ints(strided.Select(i => axes[i].PadBegin + axes[i].In).ToArray()), c.Ints(strided.Select(i => (long)(2 + i)).ToArray()));
    }

    /// <summary>One phase: Conv of dy with the phase's sub-kernel, padded so the output covers the phase's positions.</summary>
    private static string PhaseConv(GradientContext c, string dy, string weights, ConvAxis[] axes, AxisPhase[] phase, long groups)
    {
        int n = axes.Length;
        var sliceAxes = Enumerable.Range(0, n).Where(i => phase[i].Taps != axes[i].Kernel).ToArray();
        var w = sliceAxes.Length == 0 ? weights : c.Op("Slice", weights,
            c.Ints(sliceAxes.Select(i => phase[i].Start).ToArray()),
            c.Ints(sliceAxes.Select(i => phase[i].Start + (phase[i].Taps - 1) * phase[i].Step + 1).ToArray()),
            c.Ints(sliceAxes.Select(i => (long)(2 + i)).ToArray()),
            c.Ints(sliceAxes.Select(i => phase[i].Step).ToArray()));
        var dilations = axes.Select(a => a.Stride == 1 ? a.Dilation : 1).ToArray();
        var padBegin = new long[n];
        var padEnd = new long[n];
        var sliceStart = new long[n];
        bool slice = false;
        for (int i = 0; i < n; i++)
        {
            long begin = phase[i].PadBegin;
            long end = phase[i].Length - axes[i].Out - begin + (phase[i].Taps - 1) * dilations[i];
            padBegin[i] = Math.Max(0, begin);
            padEnd[i] = Math.Max(0, end);
            sliceStart[i] = Math.Max(0, -begin);
            slice |= begin < 0 || end < 0;
        }
        var output = c.Op("Conv", [dy, w], new Dictionary<string, object>
        {
            ["group"] = groups,
            ["dilations"] = dilations,
            ["strides"] = Enumerable.Repeat(1L, n).ToArray(),
            ["pads"] = padBegin.Concat(padEnd).ToArray(),
        });
        if (!slice) return output;
        return c.Op("Slice", output, c.Ints(sliceStart), c.Ints(sliceStart.Select((s, i) => s + phase[i].Length).ToArray()),
            c.Ints(Enumerable.Range(2, n).Select(i => (long)i).ToArray()));
    }

    private static IEnumerable<int[]> Combinations(int[] counts)
    {
        var current = new int[counts.Length];
        while (true)
        {
            yield return (int[])current.Clone();
            int i = counts.Length - 1;
            while (i >= 0 && ++current[i] == counts[i]) current[i--] = 0;
            if (i < 0) yield break;
        }
    }

    private static string Key(int[] combo) => string.Join(",", combo);

    private static string WithoutAxis(string key, int axis)
    {
        var parts = key.Split(',');
        parts[axis] = "*";
        return string.Join(",", parts);
    }

    private static int AxisIndex(string key, int axis) => int.Parse(key.Split(',')[axis], System.Globalization.CultureInfo.InvariantCulture);
}
