using System.Runtime.InteropServices;
using Google.Protobuf;
using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Onnx;

/// <summary>Creates tensors and reads their values, whether stored in raw_data or in the typed fields.</summary>
internal static class TensorProtos
{
    public static TensorProto FromFloats(string name, ReadOnlySpan<float> data, params long[] dims) =>
        FromRaw(name, DataType.Float, MemoryMarshal.AsBytes(data), dims, data.Length);

    public static TensorProto FromDoubles(string name, ReadOnlySpan<double> data, params long[] dims) =>
        FromRaw(name, DataType.Double, MemoryMarshal.AsBytes(data), dims, data.Length);

    public static TensorProto FromInt64s(string name, ReadOnlySpan<long> data, params long[] dims) =>
        FromRaw(name, DataType.Int64, MemoryMarshal.AsBytes(data), dims, data.Length);

    public static TensorProto FromRaw(string name, DataType type, ReadOnlySpan<byte> bytes, long[] dims, long elementCount)
    {
        var expected = dims.Aggregate(1L, (a, d) => a * d);
        if (expected != elementCount)
        {
            throw new ArgumentException($"tensor '{name}': {elementCount} values do not fit shape [{string.Join(", ", dims)}]");
        }
        var t = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        t.Dims.AddRange(dims);
        return t;
    }

    public static long ElementCount(TensorProto t) => t.Dims.Aggregate(1L, (a, d) => a * d);

    public static int ElementSize(DataType type) => type switch
    {
        DataType.Float or DataType.Int32 or DataType.Uint32 => 4,
        DataType.Double or DataType.Int64 or DataType.Uint64 => 8,
        DataType.Float16 or DataType.Bfloat16 or DataType.Int16 or DataType.Uint16 => 2,
        DataType.Uint8 or DataType.Int8 or DataType.Bool => 1,
        _ => throw new NotSupportedException($"element type {type} has no fixed size"),
    };

    public static float[] ToFloats(TensorProto t)
    {
        var n = checked((int)ElementCount(t));
        switch ((DataType)t.DataType)
        {
            case DataType.Float:
                return t.RawData.Length > 0 ? RawAs<float>(t, n) : t.FloatData.ToArray();
            case DataType.Double:
                return ToDoubles(t).Select(d => (float)d).ToArray();
            case DataType.Float16:
                return t.RawData.Length > 0
                    ? RawAs<Half>(t, n).Select(h => (float)h).ToArray()
                    : t.Int32Data.Select(bits => (float)BitConverter.UInt16BitsToHalf((ushort)bits)).ToArray();
            default:
                throw new NotSupportedException($"tensor '{t.Name}': cannot read {(DataType)t.DataType} as float");
        }
    }

    public static double[] ToDoubles(TensorProto t)
    {
        var n = checked((int)ElementCount(t));
        return (DataType)t.DataType switch
        {
            DataType.Double => t.RawData.Length > 0 ? RawAs<double>(t, n) : t.DoubleData.ToArray(),
            DataType.Float => ToFloats(t).Select(f => (double)f).ToArray(),
            _ => throw new NotSupportedException($"tensor '{t.Name}': cannot read {(DataType)t.DataType} as double"),
        };
    }

    public static long[] ToInt64s(TensorProto t)
    {
        var n = checked((int)ElementCount(t));
        return (DataType)t.DataType switch
        {
            DataType.Int64 => t.RawData.Length > 0 ? RawAs<long>(t, n) : t.Int64Data.ToArray(),
            DataType.Int32 => t.RawData.Length > 0 ? RawAs<int>(t, n).Select(i => (long)i).ToArray() : t.Int32Data.Select(i => (long)i).ToArray(),
            _ => throw new NotSupportedException($"tensor '{t.Name}': cannot read {(DataType)t.DataType} as int64"),
        };
    }

    private static T[] RawAs<T>(TensorProto t, int n)
        where T : unmanaged
    {
        var span = MemoryMarshal.Cast<byte, T>(t.RawData.Span);
        if (span.Length != n)
        {
            throw new InvalidDataException($"tensor '{t.Name}': raw_data holds {span.Length} values, shape needs {n}");
        }
        return span.ToArray();
    }
}
