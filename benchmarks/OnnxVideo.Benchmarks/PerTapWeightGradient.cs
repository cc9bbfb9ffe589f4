using OnnxVideo.Autodiff;
using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Benchmarks;

/// <summary>
/// Issue 17 lever 2, one alternative for the Conv weight gradient: one GEMM per kernel tap instead of the rule's Conv of
/// transposed input and output gradient. With x padded and transposed once to [Cin, N, T, H, W] and dy to [Cout, N·T'·H'·W'],
/// tap (a, b, c) is Gemm(dy, Slice(x, starts (a, b, c), strides as steps) as [Cin, N·T'·H'·W'], transB) = dW[:, :, a, b, c].
/// Dilation 1 and one group only (what the benchmark layer has).
/// </summary>
public static class PerTapWeightGradient
{
    internal static string Build(GradientContext c, string x, string dy, ConvAxis[] axes, long cout, long cin)
    {
        var pads = new long[10];
        for (var i = 0; i < 3; i++)
        {
            pads[2 + i] = axes[i].PadBegin;
            pads[7 + i] = axes[i].PadEnd;
        }
        var padded = pads.Any(p => p != 0) ? c.Op("Pad", x, c.Ints(pads)) : x;
        var channelsFirst = c.Transpose(padded, [1, 0, 2, 3, 4]);
        var dyRows = c.Reshape(c.Transpose(dy, [1, 0, 2, 3, 4]), c.Ints(cout, -1));
        var taps = new List<string>();
        for (var a = 0L; a < axes[0].Kernel; a++)
        for (var b = 0L; b < axes[1].Kernel; b++)
        for (var k = 0L; k < axes[2].Kernel; k++)
        {
            long[] starts = [a, b, k];
            var ends = starts.Select((s, i) => s + (axes[i].Out - 1) * axes[i].Stride + 1).ToArray();
            var window = c.Op("Slice", channelsFirst, c.Ints(starts), c.Ints(ends), c.Ints(2, 3, 4), c.Ints(axes.Select(x => x.Stride).ToArray()));
            var tap = c.Op("Gemm", [dyRows, c.Reshape(window, c.Ints(cin, -1))], new Dictionary<string, object> { ["transB"] = 1L });
            taps.Add(c.Reshape(tap, c.Ints(1, cout, cin)));
        }
        var stacked = c.Op("Concat", taps, new Dictionary<string, object> { ["axis"] = 0L });
        var kernel = c.Reshape(stacked, c.Ints(axes[0].Kernel, axes[1].Kernel, axes[2].Kernel, cout, cin));
        return c.Transpose(kernel, [3, 4, 0, 1, 2]);
    }
}
