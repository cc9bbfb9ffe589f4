using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Autodiff.Rules;

/// <summary>
/// Conv weight gradient as one matrix product per kernel tap (issue 17, lever 2; one group): tap t = (t1, t2, …) is
/// dW[:, :, t] = Σ dy · window(t)ᵀ over samples and output positions, where window(t) is the padded x sliced from
/// t·dilation with the strides as steps (products and layout: <see cref="TapProductLayout"/>). At stride 1 the taps
/// along the last axis share one window and shift dy instead. The taps are stacked and moved behind the channels.
/// Where it wins is <see cref="Wins"/>; elsewhere the rule keeps the Conv of transposed x and dy.
/// </summary>
internal static class PerTapWeightGradient
{
    /// <summary>
    /// The measured selection (benchmarks/README.md, "Conv weight-gradient forms", levers 2, 16 and 18): one group,
    /// and stride 1 and dilation 1; or a single tap at any stride (the 1×1×1 stride-2 shortcuts, where the Conv form
    /// computes 2³ taps and keeps one); or a strided kernel of at most 9 taps over at least 64 input channels (R(2+1)D's
    /// temporal stride-2 convs 0.22–0.25×, the 2-D 3×3 stride-2 convs of mc3_18 and R(2+1)D 0.64–0.97× the Conv form,
    /// whose GEMM has only 3 or 9 columns). Strided 3³ and larger kernels, and strided convs over few channels, lose
    /// (1.3–4.4×: each strided Slice copies about as much as its smaller Gemm computes).
    /// </summary>
    public static bool Wins(ConvAxis[] axes, long groups, long cin)
    {
        var taps = axes.Aggregate(1L, (product, a) => product * a.Kernel);
        if (groups != 1) return false;
        if (taps == 1 || axes.All(a => a.Stride == 1 && a.Dilation == 1)) return true;
        return taps <= StridedMaxTaps && cin >= StridedMinInputChannels && axes.All(a => a.Dilation == 1);
    }

    private const long StridedMaxTaps = 9;
    private const long StridedMinInputChannels = 64;

    /// <summary>dW [Cout, Cin, k…] for y = Conv(x, w) with one group (any strides, pads and dilations).</summary>
    public static string Build(GradientContext c, string x, string dy, ConvAxis[] axes, long cout, long cin) =>
        axes.All(a => a.Stride == 1 && a.Dilation == 1) && axes[^1].Kernel > 1
            ? SharedLastAxisWindows(c, x, dy, axes, cout, cin)
            : SlicedPerTap(c, x, dy, axes, cout, cin);

    /// <summary>
    /// Up to this many output channels, the k shifted copies of dy are stacked into one [k·Cout, N·O…] matrix, so that
    /// each window takes one Gemm with k·Cout rows instead of k with Cout rows (r3d_18's layer1, 64 channels:
    /// 0.76–0.88× the per-shift Gemms; from 128 channels up no gain, 0.97–1.17×; benchmarks/README.md, lever 17).
    /// </summary>
    internal const long StackedShiftsMaxOutputChannels = 64;

    /// <summary>
    /// Stride 1, dilation 1, more than one tap along the last axis: those taps share their window. x is sliced over
    /// the other axes only, at the full padded length of the last one, and dy is padded along it instead (tap j: j
    /// zeros before, k − 1 − j after), so that Σ shifted dy · window = Σ dy[o]·x[o + j]. That is ∏k / k_last slices
    /// of x and k_last pads of dy instead of ∏k slices (r3d_18's 3³: 12 copies instead of 27), for Gemms longer by
    /// the padding (56 → 58 columns a row on layer1). A tap along the last axis that reads only padding gives zeros
    /// either way (the padded x is zero there), so the stacked Gemm need not skip it.
    /// </summary>
    private static string SharedLastAxisWindows(GradientContext c, string x, string dy, ConvAxis[] axes, long cout, long cin)
    {
        int spatial = axes.Length;
        var spatialAxes = Enumerable.Range(2, spatial).Select(i => (long)i).ToArray();
        var layout = TapProductLayout.For(axes, cout, cin);
        var padded = layout.PaddedInput(c, x, axes);
        var dyLaidOut = layout.OutputGradient(c, dy, spatial);
        var last = axes[^1];
        var shiftedDy = new string?[last.Kernel];
        string ShiftedDyRows(long j) => shiftedDy[j] ??= layout.Rows(c,
            c.Op("Pad", dyLaidOut, c.Ints([.. new long[1 + spatial], j, .. new long[1 + spatial], last.Kernel - 1 - j])), cout);
        string? stacked = null;
        string StackedDyRows() => stacked ??= layout.StackRows(c, Enumerable.Range(0, (int)last.Kernel).Select(j => ShiftedDyRows(j)).ToList());
        var windowAxes = spatial == 1 ? null : c.Ints(spatialAxes[..^1]);
        var taps = new List<string>();
        string? zeros = null;
        foreach (var start in Taps(axes.Select(a => a.Kernel).ToArray()).Where(t => t[^1] == 0))
        {
            var ends = start.Select((t, i) => t + axes[i].Out).ToArray();
            var window = ReadsOnlyPadding(axes[..^1], start[..^1], ends[..^1]) ? null : layout.Rows(c, windowAxes is null ? padded
                : c.Op("Slice", padded, c.Ints(start[..^1]), c.Ints(ends[..^1]), windowAxes), cin);
            if (window is not null && cout <= StackedShiftsMaxOutputChannels)
            {
                taps.Add(c.Reshape(layout.Product(c, StackedDyRows(), window), c.Ints(last.Kernel, cout, cin)));
                continue;
            }
            for (long j = 0; j < last.Kernel; j++)
            {
                long[] tap = [.. start[..^1], j];
                taps.Add(window is null || ReadsOnlyPadding(axes, tap, tap.Select((t, i) => t + axes[i].Out).ToArray())
                    ? zeros ??= ZeroTap(c, dy, cout, cin)
                    : c.Unsqueeze(layout.Product(c, ShiftedDyRows(j), window), 0));
            }
        }
        return StackTaps(c, taps, axes, cout, cin);
    }

    /// <summary>One Slice of x per tap (any strides, pads and dilations).</summary>
    private static string SlicedPerTap(GradientContext c, string x, string dy, ConvAxis[] axes, long cout, long cin)
    {
        var spatialAxes = Enumerable.Range(2, axes.Length).Select(i => (long)i).ToArray();
        var layout = TapProductLayout.For(axes, cout, cin);
        var padded = layout.PaddedInput(c, x, axes);
        var dyRows = layout.Rows(c, layout.OutputGradient(c, dy, axes.Length), cout);
        var steps = c.Ints(axes.Select(a => a.Stride).ToArray());
        var sliceAxes = c.Ints(spatialAxes);
        var phases = StridePhases(c, padded, axes);
        var taps = new List<string>();
        string? zeros = null;
        foreach (var tap in Taps(axes.Select(a => a.Kernel).ToArray()))
        {
            var starts = tap.Select((t, i) => t * axes[i].Dilation).ToArray();
            var ends = starts.Select((s, i) => s + (axes[i].Out - 1) * axes[i].Stride + 1).ToArray();
            if (ReadsOnlyPadding(axes, starts, ends))
            {
                zeros ??= ZeroTap(c, dy, cout, cin);
                taps.Add(zeros);
                continue;
            }
            var window = phases is null
                ? c.Op("Slice", padded, c.Ints(starts), c.Ints(ends), sliceAxes, steps)
                : PhaseWindow(c, phases, starts, axes);
            taps.Add(c.Unsqueeze(layout.Product(c, dyRows, layout.Rows(c, window, cin)), 0));
        }
        return StackTaps(c, taps, axes, cout, cin);
    }

    /// <summary>
    /// A 2-D conv with stride s on both axes, dilation 1 and padded extents divisible by s: the padded x once through
    /// SpaceToDepth(s), viewed as [A, s², B, H/s, W/s], so each tap's window is a unit-stride Slice of one phase
    /// (ORT copies a step-s Slice an element at a time: nine windows of [16, 64, 58, 58] 7.75 → 4.08 ms with the
    /// phases, benchmarks/README.md lever 35). Null where that does not apply.
    /// </summary>
    private static string? StridePhases(GradientContext c, string padded, ConvAxis[] axes)
    {
        var s = axes[0].Stride;
        var extents = axes.Select(a => a.In + a.PadBegin + a.PadEnd).ToArray();
        if (axes.Length != 2 || s < 2 || axes.Any(a => a.Stride != s || a.Dilation != 1) || extents.Any(e => e % s != 0))
        {
            return null;
        }
        var blocks = c.Op("SpaceToDepth", [padded], new Dictionary<string, object> { ["blocksize"] = s });
        return c.Reshape(blocks, c.Ints(0, s * s, -1, extents[0] / s, extents[1] / s));
    }

    /// <summary>The window of the tap at <paramref name="starts"/> (step s) cut from <see cref="StridePhases"/>: [A, B, O_h, O_w].</summary>
    private static string PhaseWindow(GradientContext c, string phases, long[] starts, ConvAxis[] axes)
    {
        var s = axes[0].Stride;
        var (h, w) = (starts[0], starts[1]);
        var phase = h % s * s + w % s;
        var window = c.Op("Slice", phases, c.Ints(phase, h / s, w / s), c.Ints(phase + 1, h / s + axes[0].Out, w / s + axes[1].Out), c.Ints(1, 3, 4));
        return c.Reshape(window, c.Ints(0, -1, axes[0].Out, axes[1].Out));
    }

    /// <summary>The gradient of a tap whose window reads only padding: zeros [1, Cout, Cin].</summary>
    private static string ZeroTap(GradientContext c, string dy, long cout, long cin) =>
        c.Op("ConstantOfShape", [c.Ints(1, cout, cin)],
            new Dictionary<string, object> { ["value"] = ConstantTensors.Scalar("value", 0, c.ElemType(dy), rankZero: false) });

    /// <summary>The taps' [1, Cout, Cin] (or [k, Cout, Cin]) gradients (in <see cref="Taps"/> order) as dW [Cout, Cin, k…].</summary>
    private static string StackTaps(GradientContext c, List<string> taps, ConvAxis[] axes, long cout, long cin)
    {
        int spatial = axes.Length;
        var stacked = taps.Count == 1 ? taps[0] : c.Op("Concat", taps, new Dictionary<string, object> { ["axis"] = 0L });
        var kernel = c.Reshape(stacked, c.Ints([.. axes.Select(a => a.Kernel), cout, cin]));
        return c.Transpose(kernel, [spatial, spatial + 1, .. Enumerable.Range(0, spatial).Select(i => (long)i)]);
    }

    /// <summary>
    /// True when the tap's window lies in the padding along some axis (e.g. the outer temporal taps of a 3³ kernel on
    /// one frame, r3d_18's layer4): that tap's gradient is zero, so no Slice and Gemm are emitted for it.
    /// </summary>
    internal static bool ReadsOnlyPadding(ConvAxis[] axes, long[] starts, long[] ends) =>
        axes.Select((a, i) => ends[i] <= a.PadBegin || starts[i] >= a.PadBegin + a.In).Any(outside => outside);

    /// <summary>Every tap of the kernel, the last axis fastest (the order of the stacked Gemm results).</summary>
    internal static IEnumerable<long[]> Taps(long[] kernel)
    {
        var tap = new long[kernel.Length];
        while (true)
        {
            yield return (long[])tap.Clone();
            int i = kernel.Length - 1;
            while (i >= 0 && ++tap[i] == kernel[i]) tap[i--] = 0;
            if (i < 0) yield break;
        }
    }
}
