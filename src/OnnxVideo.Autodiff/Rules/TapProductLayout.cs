using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Autodiff.Rules;

/// <summary>
/// How <see cref="PerTapWeightGradient"/> multiplies dy with a window of x (issue 17, levers 2 and 21). Channels
/// first: x and dy transposed once to [C, N, …], each tap one Gemm over N·O columns. Batch-summed: both kept as
/// [N, C, …], each tap one batched MatMul against the window transposed (ORT folds that Transpose into the MatMul),
/// then summed over the batch. The batch-summed form skips the two transposes but writes a [Cout, Cin] partial
/// product per sample and tap, so it is chosen where those partial products are fewer than the elements the
/// transposes move (large images over few channels: every 3-D layer1 conv, R(2+1)D's temporal convs; not the 7×7
/// frames of layer4 lowered to 2-D, whose batch is N·T).
/// </summary>
internal readonly record struct TapProductLayout(bool BatchSummed)
{
    public static TapProductLayout For(ConvAxis[] axes, long cout, long cin)
    {
        long taps = 1, paddedIn = 1, outputs = 1;
        foreach (var a in axes)
        {
            taps *= a.Kernel;
            paddedIn *= a.In + a.PadBegin + a.PadEnd;
            outputs *= a.Out;
        }
        return new(taps * cout * cin < cin * paddedIn + cout * outputs);
    }

    /// <summary>x padded as the Conv pads it, in this layout ([N, Cin, I…] or [Cin, N, I…]; spatial axes from 2).</summary>
    public string PaddedInput(GradientContext c, string x, ConvAxis[] axes)
    {
        int spatial = axes.Length;
        var pads = new long[2 * (2 + spatial)];
        for (int i = 0; i < spatial; i++)
        {
            pads[2 + i] = axes[i].PadBegin;
            pads[2 + spatial + 2 + i] = axes[i].PadEnd;
        }
        var padded = pads.Any(p => p != 0) ? c.Op("Pad", x, c.Ints(pads)) : x;
        return ChannelsFirst(c, padded, spatial);
    }

    /// <summary>dy [N, Cout, O…] in this layout.</summary>
    public string OutputGradient(GradientContext c, string dy, int spatial) => ChannelsFirst(c, dy, spatial);

    /// <summary>A value of this layout viewed as rows × (positions): [N, rows, L] or [rows, N·L].</summary>
    public string Rows(GradientContext c, string value, long rows) =>
        c.Reshape(value, BatchSummed ? c.Ints(0, rows, -1) : c.Ints(rows, -1));

    /// <summary>Row blocks from <see cref="Rows"/> stacked into one.</summary>
    public string StackRows(GradientContext c, IReadOnlyList<string> blocks) =>
        c.Op("Concat", blocks, new Dictionary<string, object> { ["axis"] = BatchSummed ? 1L : 0L });

    /// <summary>Σ over samples and positions of dyRows · windowRowsᵀ: [M, Cin].</summary>
    public string Product(GradientContext c, string dyRows, string windowRows) => BatchSummed
        ? c.ReduceSum(c.Op("MatMul", dyRows, c.Transpose(windowRows, [0, 2, 1])), [0], keepDims: false)
        : c.Op("Gemm", [dyRows, windowRows], new Dictionary<string, object> { ["transB"] = 1L });

    private string ChannelsFirst(GradientContext c, string value, int spatial) =>
        BatchSummed ? value : c.Transpose(value, [1, 0, .. Enumerable.Range(2, spatial).Select(i => (long)i)]);
}
