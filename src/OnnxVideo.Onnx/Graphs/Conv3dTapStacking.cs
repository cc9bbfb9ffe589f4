using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Onnx.Graphs;

/// <summary>
/// A one-group 3-D Conv as 2-D convs over its temporal taps (issue 17 lever 3c). x [N, C, T, H, W] is transposed once
/// to [N, T, C, H, W], padded in time only as far as a live tap reads, and viewed as [N, L/s, s, C, H, W] (s: the
/// temporal stride), so that tap k's frames t·s + k·d are a step-1 Slice [N, T′, 1, C, H, W] (whose gradient is a
/// Pad, where a strided Slice's would be a scatter). <see cref="TapStackForm.Stacked"/> concatenates the taps to
/// [N·T′, kt·C, H, W] (frame-major: channel k·C + c) for one Conv2d with the weight transposed to [Cout, kt, Cin, kh, kw]
/// and reshaped to [Cout, kt·Cin, kh, kw]; <see cref="TapStackForm.Summed"/> runs one Conv2d per tap and sums them.
/// Taps that read only padding (the outer taps of a 3³ kernel on one frame) are left out with their weights.
/// </summary>
internal static class Conv3dTapStacking
{
    /// <summary>Emits the 2-D form of <paramref name="conv"/>; false (nothing emitted) when it has several groups or no tap reads a frame.</summary>
    public static bool TryEmit(GraphBuilder g, NodeProto conv, long[] weight, ConvAxis[] axes, TapStackForm form)
    {
        var time = axes[0];
        var (first, count) = LiveTaps(time);
        if (AttributeValues.Int(conv, "group", 1) != 1 || count == 0)
        {
            return false;
        }
        var prefix = Conv3dTo2dLowering.Prefix(conv);
        var (cout, cin, h, w) = (weight[0], weight[1], axes[1], axes[2]);
        var taps = form == TapStackForm.Gathered ? [GatheredFrames(g, conv, time, first, count, prefix)]
            : TapFrames(g, conv, time, first, count, cin, h.In, w.In, prefix);
        var kernel = count == weight[2] ? conv.Input[1]
            : g.Node("Slice", [conv.Input[1], g.Constant([first]), g.Constant([first + count]), g.Constant([2])], name: $"{prefix}/live_taps");
        string frames;
        if (form != TapStackForm.Summed)
        {
            var stacked = taps.Count == 1 ? taps[0] : g.Node("Concat", taps, Conv3dTo2dLowering.Attributes(("axis", 2L)), $"{prefix}/stack_taps");
            var images = g.Node("Reshape", [stacked, g.Constant([-1, count * cin, h.In, w.In])], name: $"{prefix}/as_images");
            var tapsFirst = g.Node("Transpose", [kernel], Conv3dTo2dLowering.Attributes(("perm", Conv3dTo2dLowering.FramesFirst)), $"{prefix}/kernel_taps_first");
            var kernel2d = g.Node("Reshape", [tapsFirst, g.Constant([cout, count * cin, weight[3], weight[4]])], name: $"{prefix}/kernel_2d");
            frames = Conv3dTo2dLowering.Conv2d(g, conv, [images, kernel2d, .. Conv3dTo2dLowering.Bias(conv)], 1, h, w, $"{prefix}/conv_2d");
        }
        else
        {
            var partial = taps.Select((tap, k) =>
            {
                var images = g.Node("Reshape", [tap, g.Constant([-1, cin, h.In, w.In])], name: $"{prefix}/tap{k}_images");
                var slice = g.Node("Slice", [kernel, g.Constant([k]), g.Constant([k + 1]), g.Constant([2])], name: $"{prefix}/tap{k}_kernel");
                var kernel2d = g.Node("Reshape", [slice, g.Constant([cout, cin, weight[3], weight[4]])], name: $"{prefix}/tap{k}_kernel_2d");
                string[] bias = k == 0 ? Conv3dTo2dLowering.Bias(conv) : [];
                return Conv3dTo2dLowering.Conv2d(g, conv, [images, kernel2d, .. bias], 1, h, w, $"{prefix}/tap{k}_conv_2d");
            }).ToList();
            frames = partial.Count == 1 ? partial[0] : g.Node("Sum", partial, name: $"{prefix}/sum_taps");
        }
        Conv3dTo2dLowering.FramesToVolume(g, conv, frames, time.Out, cout, h.Out, w.Out);
        return true;
    }

    /// <summary>The first temporal tap that reads a real frame and how many do (they are contiguous).</summary>
    private static (long First, long Count) LiveTaps(ConvAxis t)
    {
        bool Live(long k) => (t.Out - 1) * t.Stride + k * t.Dilation - t.PadBegin >= 0 && k * t.Dilation - t.PadBegin < t.In;
        var live = Enumerable.Range(0, (int)t.Kernel).Where(k => Live(k)).Select(k => (long)k).ToList();
        return live.Count == 0 ? (0, 0) : (live[0], live.Count);
    }

    /// <summary>The live taps' frames as one [N, T′, taps, C, H, W] Gather from x transposed and padded in time.</summary>
    private static string GatheredFrames(GraphBuilder g, NodeProto conv, ConvAxis t, long first, long count, string prefix)
    {
        var (framesFirst, padBegin, _) = PaddedFramesFirst(g, conv, t, first, count, prefix, multipleOf: 1);
        var indices = new long[t.Out * count];
        for (var j = 0; j < t.Out; j++)
        {
            for (var k = 0; k < count; k++)
            {
                indices[j * count + k] = j * t.Stride + (first + k) * t.Dilation - t.PadBegin + padBegin;
            }
        }
        var name = $"{prefix}/tap_frame_indices";
        for (var i = 1; g.IsNameUsed(name); i++) name = $"{prefix}/tap_frame_indices_{i}";
        g.Initializer(name, indices, t.Out, count);
        return g.Node("Gather", [framesFirst, name], Conv3dTo2dLowering.Attributes(("axis", 1L)), $"{prefix}/gather_taps");
    }

    /// <summary>x as [N, L, C, H, W]: frames next to the batch, padded in time as far as the live taps read and to a
    /// multiple of <paramref name="multipleOf"/> frames; also the padding added in front and L.</summary>
    private static (string Frames, long PadBegin, long Length) PaddedFramesFirst(GraphBuilder g, NodeProto conv, ConvAxis t, long first, long count,
        string prefix, long multipleOf)
    {
        var padBegin = Math.Max(0, t.PadBegin - first * t.Dilation);
        var lastRead = (t.Out - 1) * t.Stride + (first + count - 1) * t.Dilation - t.PadBegin;
        var padEnd = Math.Max(0, lastRead - (t.In - 1));
        var length = padBegin + t.In + padEnd;
        padEnd += (multipleOf - length % multipleOf) % multipleOf;
        length += (multipleOf - length % multipleOf) % multipleOf;
        var framesFirst = g.Node("Transpose", [conv.Input[0]], Conv3dTo2dLowering.Attributes(("perm", Conv3dTo2dLowering.FramesFirst)), $"{prefix}/frames_first");
        var padded = padBegin == 0 && padEnd == 0 ? framesFirst
            : g.Node("Pad", [framesFirst, g.Constant([0, padBegin, 0, 0, 0, 0, padEnd, 0, 0, 0])], name: $"{prefix}/pad_time");
        return (padded, padBegin, length);
    }

    /// <summary>Each live tap's frames as [N, T′, 1, C, H, W].</summary>
    private static List<string> TapFrames(GraphBuilder g, NodeProto conv, ConvAxis t, long first, long count, long cin, long h, long w, string prefix)
    {
        var (s, d) = (t.Stride, t.Dilation);
        var (padded, padBegin, length) = PaddedFramesFirst(g, conv, t, first, count, prefix, multipleOf: s);
        var phases = g.Node("Reshape", [padded, g.Constant([-1, length / s, s, cin, h, w])], name: $"{prefix}/stride_phases");
        var taps = new List<string>();
        for (var k = first; k < first + count; k++)
        {
            var offset = k * d - t.PadBegin + padBegin;
            var (block, phase) = (offset / s, offset % s);
            taps.Add(block == 0 && t.Out == length / s && s == 1 ? phases
                : g.Node("Slice", [phases, g.Constant([block, phase]), g.Constant([block + t.Out, phase + 1]), g.Constant([1, 2])], name: $"{prefix}/tap{k}_frames"));
        }
        return taps;
    }
}
