using System.Buffers.Binary;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Onnx.Shapes;

/// <summary>Reads the elements of small constant tensors (initializers, Constant nodes) as numbers.</summary>
internal static class ConstantTensors
{
    public static long[]? ToInt64s(TensorProto t)
    {
        var raw = t.RawData.Span;
        switch ((TensorProto.Types.DataType)t.DataType)
        {
            case TensorProto.Types.DataType.Int64:
                if (t.Int64Data.Count > 0) return t.Int64Data.ToArray();
                var l = new long[raw.Length / 8];
                for (int i = 0; i < l.Length; i++) l[i] = BinaryPrimitives.ReadInt64LittleEndian(raw[(i * 8)..]);
                return l;
            case TensorProto.Types.DataType.Int32:
                if (t.Int32Data.Count > 0) return t.Int32Data.Select(v => (long)v).ToArray();
                var r = new long[raw.Length / 4];
                for (int i = 0; i < r.Length; i++) r[i] = BinaryPrimitives.ReadInt32LittleEndian(raw[(i * 4)..]);
                return r;
            default:
                return null;
        }
    }

    public static double[]? ToDoubles(TensorProto t)
    {
        var raw = t.RawData.Span;
        switch ((TensorProto.Types.DataType)t.DataType)
        {
            case TensorProto.Types.DataType.Float:
                if (t.FloatData.Count > 0) return t.FloatData.Select(v => (double)v).ToArray();
                var f = new double[raw.Length / 4];
                for (int i = 0; i < f.Length; i++) f[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]);
                return f;
            case TensorProto.Types.DataType.Double:
                if (t.DoubleData.Count > 0) return t.DoubleData.ToArray();
                var d = new double[raw.Length / 8];
                for (int i = 0; i < d.Length; i++) d[i] = BinaryPrimitives.ReadDoubleLittleEndian(raw[(i * 8)..]);
                return d;
            default:
                return ToInt64s(t)?.Select(v => (double)v).ToArray();
        }
    }

    /// <summary>A one-element tensor of the given element type (float or double), for scalars and ConstantOfShape values.</summary>
    public static TensorProto Scalar(string name, double value, TensorProto.Types.DataType elemType, bool rankZero) =>
        Of(name, [value], rankZero ? [] : [1], elemType);

    /// <summary>A tensor of <paramref name="dims"/> holding <paramref name="values"/> (row-major) as float, double or int64.</summary>
    public static TensorProto Of(string name, double[] values, long[] dims, TensorProto.Types.DataType elemType)
    {
        var t = new TensorProto { Name = name, DataType = (int)elemType };
        t.Dims.AddRange(dims);
        switch (elemType)
        {
            case TensorProto.Types.DataType.Float: t.FloatData.AddRange(values.Select(v => (float)v)); break;
            case TensorProto.Types.DataType.Double: t.DoubleData.AddRange(values); break;
            case TensorProto.Types.DataType.Int64: t.Int64Data.AddRange(values.Select(v => (long)v)); break;
            default:
                throw new NotSupportedException($"gradients are only built for float and double tensors, not element type {elemType}");
        }
        return t;
    }
}
