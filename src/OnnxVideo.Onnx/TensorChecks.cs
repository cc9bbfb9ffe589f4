using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Onnx;

/// <summary>
/// Checks every tensor a loaded model stores (initializers, Constant attributes, subgraphs) before anything reads it:
/// dimensions are non-negative, the element count and byte size fit in 64 bits and in one .NET array, and the data
/// present matches the shape. Later code can then size buffers from the shape without overflowing.
/// </summary>
internal static class TensorChecks
{
    /// <summary>The most bytes one tensor may hold here (the largest .NET byte array).</summary>
    public static long MaxTensorBytes => Array.MaxLength;

    public static void CheckAll(ModelProto model, string modelPath)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (model.Graph.Initializer.FirstOrDefault(t => !names.Add(t.Name)) is { } duplicate)
        {
            throw new OnnxFormatException(modelPath, $"initializer '{duplicate.Name}' is defined more than once");
        }
        foreach (var tensor in ExternalData.AllTensors(model.Graph))
        {
            Check(tensor, modelPath);
        }
    }

    private static void Check(TensorProto t, string modelPath)
    {
        var shape = $"[{string.Join(", ", t.Dims)}]";
        if (t.Dims.Any(d => d < 0))
        {
            throw new OnnxFormatException(modelPath, $"tensor '{t.Name}': shape {shape} has a negative dimension");
        }
        long count;
        try
        {
            count = t.Dims.Aggregate(1L, (a, d) => checked(a * d));
        }
        catch (OverflowException)
        {
            throw new OnnxFormatException(modelPath, $"tensor '{t.Name}': shape {shape} has more elements than fit in 64 bits");
        }
        var type = (DataType)t.DataType;
        var elementSize = ElementSizeOrZero(type);
        if (elementSize > 0 && count > MaxTensorBytes / elementSize)
        {
            throw new OnnxFormatException(modelPath,
                $"tensor '{t.Name}': shape {shape} of {type} needs more than {MaxTensorBytes} bytes, the most one tensor may hold here");
        }
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
        {
            return; // checked against its file when loaded (ExternalData.LoadInto)
        }
        if (t.RawData.Length > 0 && elementSize > 0 && t.RawData.Length != count * elementSize)
        {
            throw new OnnxFormatException(modelPath,
                $"tensor '{t.Name}': shape {shape} of {type} needs {count * elementSize} bytes, raw_data holds {t.RawData.Length}");
        }
        if (t.RawData.Length == 0 && TypedValues(t, type) is { } values && values != count)
        {
            throw new OnnxFormatException(modelPath, $"tensor '{t.Name}': shape {shape} needs {count} values, the tensor holds {values}");
        }
    }

    /// <summary>How many values the typed fields hold, or null when this type's storage is not checked.</summary>
    private static long? TypedValues(TensorProto t, DataType type) =>
        type switch
        {
            DataType.Float => t.FloatData.Count,
            DataType.Double => t.DoubleData.Count,
            DataType.Int64 => t.Int64Data.Count,
            DataType.Uint32 or DataType.Uint64 => t.Uint64Data.Count,
            DataType.Int32 or DataType.Int16 or DataType.Int8 or DataType.Uint16 or DataType.Uint8 or DataType.Bool
                or DataType.Float16 or DataType.Bfloat16 => t.Int32Data.Count,
            DataType.String => t.StringData.Count,
            _ => null,
        };

    private static int ElementSizeOrZero(DataType type) => type switch
    {
        DataType.Float or DataType.Int32 or DataType.Uint32 => 4,
        DataType.Double or DataType.Int64 or DataType.Uint64 or DataType.Complex64 => 8,
        DataType.Complex128 => 16,
        DataType.Float16 or DataType.Bfloat16 or DataType.Int16 or DataType.Uint16 => 2,
        DataType.Uint8 or DataType.Int8 or DataType.Bool => 1,
        _ => 0,
    };
}
