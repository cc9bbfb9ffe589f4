using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Autodiff.Rules;

/// <summary>
/// The weight gradient of a strided 3-D conv as one 2-D Conv over frames (issue 17, lever 28; one group, dilation 1):
/// dW[:, :, j] = Σ over samples n and output frames t of the 2-D correlation of dy[n, :, t] with x[n, :, s·t + j]. The
/// 2-D Conv's batch is (temporal tap j, input channel), its channels are the output frames, and the samples lie side
/// by side along the width, each padded to a pitch of P = s·Q columns in x and Q in dy, so that dy (the kernel,
/// dilated by the spatial strides) meets each sample's own columns only. The channels stay a static count with a
/// symbolic batch (samples as channels would not), and being fewer than ORT's block, they reach its NCHWc kernel that
/// reads the input unblocked (<c>NchwcConvRewrite</c>), where the 3-D Conv form
/// (<see cref="ConvGradients.TransposedConvWeightGradient"/>) runs ORT's N-d im2col element by element.
/// </summary>
internal static class FramesAsChannelsWeightGradient
{
    /// <summary>
    /// The measured selection (benchmarks/README.md, lever 28): one group, three spatial axes, dilation 1, a stride, at
    /// most 27 taps and whole blocks of output channels (16, for the blocked kernels). Against the 3-D Conv form on one
    /// layer: r3d_18's strided 3³ convs 0.36× and 0.47×, tiny3d's 0.51× and 0.60×. The (3,7,7) stems gained 0.73–0.79×
    /// on one layer, but in r3d_18's step their 2-D Conv alone took as long as the whole 3-D form.
    /// </summary>
    public static bool Wins(ConvAxis[] axes, long groups, long cout) =>
        groups == 1 && axes.Length == 3 && axes.All(a => a.Dilation == 1) && axes.Any(a => a.Stride > 1)
        && axes.Aggregate(1L, (product, a) => product * a.Kernel) <= MaxTaps && cout % OutputChannelBlock == 0;

    private const long MaxTaps = 27;
    private const long OutputChannelBlock = 16;

    /// <summary>dW [Cout, Cin, kt, kh, kw] for y = Conv(x, w), x [N, Cin, T, H, W], dy [N, Cout, T′, H′, W′].</summary>
    public static string Build(GradientContext c, string x, string dy, ConvAxis[] axes, long cout, long cin)
    {
        var (time, rows, columns) = (axes[0], axes[1], axes[2]);
        var (rowsPadded, pitch) = (rows.In + rows.PadBegin + PadEnd(rows), Pitch(columns));
        var padded = c.Op("Pad", x, c.Ints(0, 0, time.PadBegin, rows.PadBegin, columns.PadBegin,
            0, 0, PadEnd(time), PadEnd(rows), pitch - columns.PadBegin - columns.In));
        var gathered = c.Op("Gather", [padded, c.Ints(TapFrames(time))], new Dictionary<string, object> { ["axis"] = 2L });
        var tapFrames = c.Reshape(gathered, c.Ints(0, cin, time.Kernel, time.Out, rowsPadded, pitch));
        var samplesAlongWidth = c.Reshape(c.Transpose(tapFrames, [2, 1, 3, 4, 0, 5]),
            c.Ints(time.Kernel * cin, time.Out, rowsPadded, -1));
        var widthEnd = columns.Kernel - columns.Stride;
        var images = widthEnd >= 0 ? samplesAlongWidth : c.Op("Slice", samplesAlongWidth, c.Ints(0), c.Ints(widthEnd), c.Ints(3));
        var dyPad = pitch / columns.Stride - columns.Out;
        var dyPitched = dyPad == 0 ? dy : c.Op("Pad", dy, c.Ints(0, 0, 0, 0, 0, 0, 0, 0, 0, dyPad));
        var kernel = c.Reshape(c.Transpose(dyPitched, [1, 2, 3, 0, 4]), c.Ints(cout, time.Out, rows.Out, -1));
        var dw = c.Op("Conv", [images, kernel], new Dictionary<string, object>
        {
            ["dilations"] = new[] { rows.Stride, columns.Stride },
            ["pads"] = new[] { 0, 0, 0, Math.Max(0, widthEnd) },
        });
        if (rowsPadded - (rows.Out - 1) * rows.Stride != rows.Kernel)
        {
            dw = c.Op("Slice", dw, c.Ints(0), c.Ints(rows.Kernel), c.Ints(2));
        }
        var taps = c.Reshape(dw, c.Ints(time.Kernel, cin, cout, rows.Kernel, columns.Kernel));
        return c.Transpose(taps, [2, 1, 0, 3, 4]);
    }

    /// <summary>
    /// Each sample's columns in x: a multiple of the stride (dy's pitch is P / s) that holds the row after its begin
    /// pad and every column a tap reads, s·(O − 1) + k. The last sample's are followed by k − s more (the Conv's end
    /// pad, or cut where negative), so that the Conv produces N·P + k − s − s·(N·P/s − 1) = k columns.
    /// </summary>
    private static long Pitch(ConvAxis a)
    {
        var columns = Math.Max(a.PadBegin + a.In, (a.Out - 1) * a.Stride + a.Kernel);
        return (columns + a.Stride - 1) / a.Stride * a.Stride;
    }

    /// <summary>The padded frame each (tap j, output frame t) reads: s·t + j, tap-major.</summary>
    private static long[] TapFrames(ConvAxis time)
    {
        var frames = new long[time.Kernel * time.Out];
        for (long j = 0; j < time.Kernel; j++)
            for (long t = 0; t < time.Out; t++) frames[j * time.Out + t] = t * time.Stride + j;
        return frames;
    }

    /// <summary>The end pad after which the last position a tap reads (s·(O − 1) + k − 1) is inside the padded input.</summary>
    private static long PadEnd(ConvAxis a) => Math.Max(0, (a.Out - 1) * a.Stride + a.Kernel - a.PadBegin - a.In);
}
