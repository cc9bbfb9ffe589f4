using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Onnx.Graphs.Cleanup;

/// <summary>A small integer or boolean tensor known at graph-build time (shape arithmetic), elements held as int64.</summary>
internal sealed record IntTensor(DataType ElemType, long[] Dims, long[] Values)
{
    /// <summary>Larger tensors are not folded: shape arithmetic is small, and a folded constant must not bloat the graph.</summary>
    public const int MaxElements = 1024;

    public int Rank => Dims.Length;

    public static bool IsIntegerType(DataType type) => type is DataType.Int64 or DataType.Int32 or DataType.Bool;

    /// <summary>The element count of <paramref name="dims"/>, or <see cref="MaxElements"/> + 1 for anything larger
    /// (so huge or hostile dims cannot overflow into a small count).</summary>
    public static long CountOf(IEnumerable<long> dims) =>
        dims.Aggregate(1L, (count, d) => d < 0 ? MaxElements + 1 : Math.Min(count * Math.Min(d, MaxElements + 1), MaxElements + 1));

    /// <summary>The elements of an inline int64, int32 or bool tensor of at most <see cref="MaxElements"/>; null otherwise.</summary>
    public static IntTensor? From(TensorProto tensor)
    {
        var type = (DataType)tensor.DataType;
        if (!IsIntegerType(type) || tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.Dims.Any(d => d < 0))
        {
            return null;
        }
        var count = CountOf(tensor.Dims);
        if (count > MaxElements)
        {
            return null;
        }
        var values = type == DataType.Bool ? BoolValues(tensor) : ConstantTensors.ToInt64s(tensor);
        return values is not null && values.Length == count ? new IntTensor(type, tensor.Dims.ToArray(), values) : null;
    }

    public TensorProto ToTensorProto()
    {
        var tensor = new TensorProto { DataType = (int)ElemType };
        tensor.Dims.AddRange(Dims);
        switch (ElemType)
        {
            case DataType.Int64: tensor.Int64Data.AddRange(Values); break;
            case DataType.Int32: tensor.Int32Data.AddRange(Values.Select(v => (int)v)); break;
            default: tensor.Int32Data.AddRange(Values.Select(v => v != 0 ? 1 : 0)); break;
        }
        return tensor;
    }

    private static long[] BoolValues(TensorProto tensor) => tensor.Int32Data.Count > 0
        ? tensor.Int32Data.Select(v => v != 0 ? 1L : 0L).ToArray()
        : tensor.RawData.Select(b => b != 0 ? 1L : 0L).ToArray();
}
