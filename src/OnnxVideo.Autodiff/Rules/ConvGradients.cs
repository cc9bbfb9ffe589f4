using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Autodiff.Rules;

/// <summary>
/// Conv input and weight gradients built from plain Conv nodes. ORT's ConvTranspose is several times slower than
/// Conv on CPU for the same work (see benchmarks/ConvGradientBenchmarks), so the input gradient is a Conv of the
/// (zero-interleaved, for strides) output gradient with transposed and flipped weights.
/// </summary>
internal static class ConvGradients
{
    /// <summary>Name (or name prefix) of the K×K reversal constants that <see cref="InputGradientWeights"/> multiplies with.</summary>
    public const string KernelReversalName = "kernel_reversal";

    /// <summary>
    /// Rearranges Conv weights [G·Cout_g, Cin_g, k…] into the weights of the input-gradient Conv
    /// [G·Cin_g, Cout_g, k…]: in/out channels swapped per group, every spatial axis reversed.
    /// </summary>
    public static string InputGradientWeights(GradientContext c, string w, long[] wDims, long groups)
    {
        int spatial = wDims.Length - 2;
        long coutPerGroup = wDims[0] / groups, cinPerGroup = wDims[1];
        var kernel = wDims.Skip(2).ToArray();
        var perm = new List<long> { 1, 0 };
        perm.AddRange(Enumerable.Range(2, spatial).Select(i => (long)i));
        string swapped;
        if (groups == 1) swapped = c.Transpose(w, perm);
        else
        {
            var split = c.Reshape(w, c.Ints([groups, coutPerGroup, cinPerGroup, .. kernel]));
            var groupPerm = new List<long> { 0, 2, 1 };
            groupPerm.AddRange(Enumerable.Range(3, spatial).Select(i => (long)i));
            swapped = c.Reshape(c.Transpose(split, groupPerm), c.Ints([groups * cinPerGroup, coutPerGroup, .. kernel]));
        }
        return ReverseKernel(c, swapped, wDims[1] * groups, coutPerGroup, kernel);
    }

    /// <summary>
    /// Reverses every spatial axis of <paramref name="w"/> [A, B, k…], i.e. its flattened kernel axis of K = ∏k taps,
    /// as a MatMul with the K×K reversal matrix: exact for finite weights (each output is one weight times 1 plus
    /// zeros) and a GEMM, where ORT's Slice with negative steps copies element by element (42 ms for a 512×512×3³
    /// weight on a 2-core machine, 11 ms as the MatMul).
    /// </summary>
    private static string ReverseKernel(GradientContext c, string w, long a, long b, long[] kernel)
    {
        var taps = kernel.Aggregate(1L, (p, k) => p * k);
        if (taps == 1) return w;
        var reversal = new double[taps * taps];
        for (long t = 0; t < taps; t++) reversal[t * taps + (taps - 1 - t)] = 1;
        var flat = c.Reshape(w, c.Ints(a, b, taps));
        var reversed = c.Op("MatMul", flat, c.Constant(reversal, [taps, taps], w, KernelReversalName));
        return c.Reshape(reversed, c.Ints([a, b, .. kernel]));
    }

    /// <summary>
    /// dx for y = Conv(x, w) given dy [N, Cout, O…] and the prepared weights from <see cref="InputGradientWeights"/>:
    /// one stride-1 Conv without strides, the polyphase form for strides (dilation 1), else zero-interleaving.
    /// </summary>
    public static string InputGradient(GradientContext c, string dy, string preparedWeights, ConvAxis[] axes, long groups) =>
        PolyphaseConvGradient.Applies(axes)
            ? PolyphaseConvGradient.InputGradient(c, dy, preparedWeights, axes, groups)
            : ZeroInterleavedInputGradient(c, dy, preparedWeights, axes, groups);

    /// <summary>
    /// The general form (any stride and dilation): zeros interleaved into dy for the strides, one stride-1 Conv.
    /// Used when a strided axis is also dilated; otherwise <see cref="PolyphaseConvGradient"/> avoids the zeros.
    /// Strides become zeros interleaved into dy (Unsqueeze + Pad + Reshape); the pads are chosen so the result has
    /// exactly the input's spatial size, with a Slice where a pad would be negative.
    /// </summary>
    public static string ZeroInterleavedInputGradient(GradientContext c, string dy, string preparedWeights, ConvAxis[] axes, long groups)
    {
        int spatial = axes.Length;
        string u = dy;
        var lengths = axes.Select(a => a.Out).ToArray();
        if (axes.Any(a => a.Stride > 1))
        {
            // [N, C, O1, O2, …] → [N, C, O1, 1, O2, 1, …] → pad each new axis to the stride → [N, C, O1·s1, O2·s2, …].
            var unsqueezeAxes = Enumerable.Range(0, spatial).Select(i => (long)(2 + 2 * i + 1)).ToArray();
            var expanded = c.Unsqueeze(dy, unsqueezeAxes);
            int rank = 2 + 2 * spatial;
            var pads = new long[2 * rank];
            for (int i = 0; i < spatial; i++) pads[rank + 2 + 2 * i + 1] = axes[i].Stride - 1;
            var padded = c.Op("Pad", expanded, c.Ints(pads));
            lengths = axes.Select(a => a.Out * a.Stride).ToArray();
            u = c.Reshape(padded, c.Ints([0, 0, .. lengths]));
        }
        var padBegin = new long[spatial];
        var padEnd = new long[spatial];
        var sliceStart = new long[spatial];
        bool slice = false;
        for (int i = 0; i < spatial; i++)
        {
            var a = axes[i];
            long extent = (a.Kernel - 1) * a.Dilation;
            long left = extent - a.PadBegin, right = a.In - lengths[i] + a.PadBegin;
            padBegin[i] = Math.Max(0, left);
            padEnd[i] = Math.Max(0, right);
            sliceStart[i] = Math.Max(0, -left);
            slice |= left < 0 || right < 0;
        }
        var attributes = new Dictionary<string, object>
        {
            ["group"] = groups,
            ["dilations"] = axes.Select(a => a.Dilation).ToArray(),
            ["strides"] = Enumerable.Repeat(1L, spatial).ToArray(),
            ["pads"] = padBegin.Concat(padEnd).ToArray(),
        };
        var dx = c.Op("Conv", [u, preparedWeights], attributes);
        if (!slice) return dx;
        return c.Op("Slice", dx, c.Ints(sliceStart), c.Ints(sliceStart.Select((s, i) => s + axes[i].In).ToArray()),
            c.Ints(Enumerable.Range(2, spatial).Select(i => (long)i).ToArray()));
    }

    /// <summary>
    /// dW [Cout, Cin_g, k…]: dy shifted per tap in one MatMul where <see cref="ShiftedDyWeightGradient.Wins"/>, one
    /// Gemm per kernel tap where <see cref="PerTapWeightGradient.Wins"/>, one 2-D Conv over frames where
    /// <see cref="FramesAsChannelsWeightGradient.Wins"/> (each as its option allows), otherwise
    /// <see cref="TransposedConvWeightGradient"/>.
    /// </summary>
    public static string WeightGradient(GradientContext c, string x, string dy, ConvAxis[] axes, long groups, long cout, long cinPerGroup)
    {
        if (c.Options.ShiftedDyConvWeightGradient && ShiftedDyWeightGradient.Wins(axes, groups, cout, cinPerGroup))
            return ShiftedDyWeightGradient.Build(c, x, dy, axes, cout, cinPerGroup);
        if (c.Options.PerTapConvWeightGradient && PerTapWeightGradient.Wins(axes, groups, cinPerGroup))
            return PerTapWeightGradient.Build(c, x, dy, axes, cout, cinPerGroup);
        return c.Options.FramesAsChannelsConvWeightGradient && FramesAsChannelsWeightGradient.Wins(axes, groups, cout)
            ? FramesAsChannelsWeightGradient.Build(c, x, dy, axes, cout, cinPerGroup)
            : TransposedConvWeightGradient(c, x, dy, axes, groups, cout, cinPerGroup);
    }

    /// <summary>
    /// dW [Cout, Cin_g, k…] as one Conv: batch = input channels, channels = batch (× groups), kernel = dy. The forward
    /// stride becomes the dilation of that Conv and the forward dilation its stride.
    /// </summary>
    public static string TransposedConvWeightGradient(GradientContext c, string x, string dy, ConvAxis[] axes, long groups, long cout, long cinPerGroup)
    {
        int spatial = axes.Length;
        var spatialPerm = Enumerable.Range(2, spatial).Select(i => (long)i).ToArray();
        var inSizes = axes.Select(a => a.In).ToArray();
        var outSizes = axes.Select(a => a.Out).ToArray();
        string xt, dyt;
        if (groups == 1)
        {
            xt = c.Transpose(x, [1, 0, .. spatialPerm]);
            dyt = c.Transpose(dy, [1, 0, .. spatialPerm]);
        }
        else
        {
            var shifted = spatialPerm.Select(p => p + 1).ToArray();
            var xg = c.Reshape(x, c.Ints([0, groups, cinPerGroup, .. inSizes]));
            xt = c.Reshape(c.Transpose(xg, [2, 1, 0, .. shifted]), c.Ints([cinPerGroup, -1, .. inSizes]));
            var dyg = c.Reshape(dy, c.Ints([0, groups, cout / groups, .. outSizes]));
            dyt = c.Reshape(c.Transpose(dyg, [1, 2, 0, .. shifted]), c.Ints([cout, -1, .. outSizes]));
        }
        var padEnd = new long[spatial];
        bool slice = false;
        for (int i = 0; i < spatial; i++)
        {
            var a = axes[i];
            padEnd[i] = Math.Max(0, (a.Kernel - 1) * a.Dilation - a.PadBegin + (a.Out - 1) * a.Stride - (a.In - 1));
            long produced = (a.In + a.PadBegin + padEnd[i] - ((a.Out - 1) * a.Stride + 1)) / a.Dilation + 1;
            slice |= produced != a.Kernel;
        }
        var attributes = new Dictionary<string, object>
        {
            ["group"] = groups,
            ["dilations"] = axes.Select(a => a.Stride).ToArray(),
            ["strides"] = axes.Select(a => a.Dilation).ToArray(),
            ["pads"] = axes.Select(a => a.PadBegin).Concat(padEnd).ToArray(),
        };
        var dwt = c.Op("Conv", [xt, dyt], attributes);
        if (slice)
        {
            dwt = c.Op("Slice", dwt, c.Ints(new long[spatial]), c.Ints(axes.Select(a => a.Kernel).ToArray()), c.Ints(spatialPerm));
        }
        return c.Transpose(dwt, [1, 0, .. spatialPerm]);
    }
}
