using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Onnx.Shapes;

/// <summary>Per-axis geometry (pads resolved from auto_pad, output sizes) of Conv / MaxPool / AveragePool nodes.</summary>
internal static class ConvGeometry
{
    /// <summary>
    /// The geometry of every spatial axis, or null when a spatial input dim is not known statically.
    /// <paramref name="kernel"/> comes from kernel_shape or the weight's dims; pools honour ceil_mode.
    /// </summary>
    public static ConvAxis[]? Compute(NodeProto node, TensorShape x, long[] kernel, bool isPool)
    {
        int n = kernel.Length;
        if (x.Rank != n + 2) return null;
        var strides = AttributeValues.Ints(node, "strides", Enumerable.Repeat(1L, n).ToArray());
        var dilations = AttributeValues.Ints(node, "dilations", Enumerable.Repeat(1L, n).ToArray());
        var pads = AttributeValues.Ints(node, "pads", new long[2 * n]);
        var autoPad = AttributeValues.String(node, "auto_pad", "NOTSET");
        bool ceil = isPool && AttributeValues.Int(node, "ceil_mode", 0) != 0;
        var axes = new ConvAxis[n];
        for (int i = 0; i < n; i++)
        {
            if (x[i + 2].Value is not long inSize) return null;
            long k = kernel[i], s = strides[i], d = dilations[i];
            long extent = d * (k - 1) + 1;
            long pb = pads[i], pe = pads[i + n], outSize;
            if (autoPad is "SAME_UPPER" or "SAME_LOWER")
            {
                outSize = (inSize + s - 1) / s;
                long total = Math.Max(0, (outSize - 1) * s + extent - inSize);
                pb = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
                pe = total - pb;
            }
            else
            {
                if (autoPad == "VALID") pb = pe = 0;
                long span = inSize + pb + pe - extent;
                outSize = ceil ? (span + s - 1) / s + 1 : span / s + 1;
                if (ceil && (outSize - 1) * s >= inSize + pb) outSize--;
            }
            axes[i] = new ConvAxis(inSize, k, s, d, pb, pe, outSize);
        }
        return axes;
    }
}
