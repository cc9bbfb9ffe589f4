using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Autodiff.Rules;

/// <summary>
/// Conv weight gradient for stride 1 and one group with dy shifted instead of x sliced (issue 17, LoRA's convs): tap
/// t is dW[:, :, t] = Σ_n shift_t(dy)[n] · x[n]ᵀ, where shift_t(dy) is dy padded (or cropped, by negative pads) onto
/// x's own grid, so that position q holds dy at q + padBegin − t·dilation. Every tap's shift is stacked along the
/// channels into [N, taps·Cout, I…] and multiplied with x in one batched MatMul against x transposed (which ORT
/// folds into the MatMul), summed over the batch. x is never copied; what is copied is taps × dy. That wins where dy
/// has few channels: LoRA's A (r outputs of the base kernel) and B (a 1×1 kernel, one tap: no shift at all), and
/// where the images are large enough that one MatMul beats a Gemm per tap.
/// </summary>
internal static class ShiftedDyWeightGradient
{
    /// <summary>
    /// The measured selection (benchmarks/README.md, "Shifted-dy weight gradients"): one group, stride 1, and a single
    /// tap or at most half as many output as input channels (LoRA's A, R(2+1)D's temporal convs). With as many output
    /// as input channels the form was faster too on large outputs (r3d_18's and mc3_18's layer1, 0.48× the Conv form
    /// against 0.88× per tap), but its taps × dy copy, alive at once, raised r3d_18's step peak from 1296 to 1843 MiB,
    /// so those convs stay per tap.
    /// </summary>
    public static bool Wins(ConvAxis[] axes, long groups, long cout, long cin) =>
        groups == 1 && axes.All(a => a.Stride == 1) && (TapCount(axes) == 1 || 2 * cout <= cin);

    /// <summary>dW [Cout, Cin, k…] for y = Conv(x, w) with one group, stride 1 (any pads and dilations).</summary>
    public static string Build(GradientContext c, string x, string dy, ConvAxis[] axes, long cout, long cin)
    {
        int spatial = axes.Length;
        var kernel = axes.Select(a => a.Kernel).ToArray();
        var taps = PerTapWeightGradient.Taps(kernel).ToList();
        var live = taps.Where(t => !ReadsOnlyPadding(axes, t)).ToList();
        var shifted = live.Select(t => Shift(c, dy, axes, t)).ToList();
        var stacked = shifted.Count == 1 ? shifted[0] : c.Op("Concat", shifted, new Dictionary<string, object> { ["axis"] = 1L });
        var dyRows = c.Reshape(stacked, c.Ints(0, live.Count * cout, -1));
        var xColumns = c.Transpose(c.Reshape(x, c.Ints(0, cin, -1)), [0, 2, 1]);
        var perTap = c.Reshape(c.ReduceSum(c.Op("MatMul", dyRows, xColumns), [0], keepDims: false), c.Ints(live.Count, cout, cin));
        if (live.Count < taps.Count)
        {
            // Taps whose window lies in the padding are zeros: gathered from one zero block appended after the live ones.
            var zeros = c.Op("ConstantOfShape", [c.Ints(1, cout, cin)],
                new Dictionary<string, object> { ["value"] = ConstantTensors.Scalar("value", 0, c.ElemType(dy), rankZero: false) });
            var order = taps.Select(t => (long)(live.IndexOf(t) is var i and >= 0 ? i : live.Count)).ToArray();
            perTap = c.Op("Gather", [c.Op("Concat", [perTap, zeros], new Dictionary<string, object> { ["axis"] = 0L }), c.Ints(order)],
                new Dictionary<string, object> { ["axis"] = 0L });
        }
        var taps3d = c.Reshape(perTap, c.Ints([.. kernel, cout, cin]));
        return c.Transpose(taps3d, [spatial, spatial + 1, .. Enumerable.Range(0, spatial).Select(i => (long)i)]);
    }

    /// <summary>dy [N, Cout, O…] moved onto x's grid [N, Cout, I…] for one tap: begin pad t·dilation − padBegin (negative crops).</summary>
    private static string Shift(GradientContext c, string dy, ConvAxis[] axes, long[] tap)
    {
        int spatial = axes.Length;
        var pads = new long[2 * (2 + spatial)];
        for (int i = 0; i < spatial; i++)
        {
            var begin = tap[i] * axes[i].Dilation - axes[i].PadBegin;
            pads[2 + i] = begin;
            pads[2 + spatial + 2 + i] = axes[i].In - axes[i].Out - begin;
        }
        return pads.All(p => p == 0) ? dy : c.Op("Pad", dy, c.Ints(pads));
    }

    private static long TapCount(ConvAxis[] axes) => axes.Aggregate(1L, (taps, a) => taps * a.Kernel);

    private static bool ReadsOnlyPadding(ConvAxis[] axes, long[] tap)
    {
        var starts = tap.Select((t, i) => t * axes[i].Dilation).ToArray();
        return PerTapWeightGradient.ReadsOnlyPadding(axes, starts, starts.Select((s, i) => s + (axes[i].Out - 1) * axes[i].Stride + 1).ToArray());
    }
}
