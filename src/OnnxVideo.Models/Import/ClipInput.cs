using OnnxVideo.Media;
using OnnxVideo.Onnx.Proto;
using Dimension = OnnxVideo.Onnx.Proto.TensorShapeProto.Types.Dimension;

namespace OnnxVideo.Models.Import;

/// <summary>
/// The clip input of a video classifier: the first graph input that is not an initializer, a 5-D tensor in NCTHW or
/// NTCHW layout. Its fixed dimensions fill in and check a <see cref="PreprocessingContract"/>.
/// </summary>
internal sealed record ClipInput(string Name, long?[] Dims)
{
    public static ClipInput Of(ModelProto model, string source)
    {
        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var input = model.Graph.Input.FirstOrDefault(i => !initializers.Contains(i.Name))
            ?? throw new InvalidContractException(source, "the model has no graph input");
        if (input.Type?.TensorType?.ElemType is not ((int)TensorProto.Types.DataType.Float or (int)TensorProto.Types.DataType.Float16))
        {
            throw new InvalidContractException(source, $"input '{input.Name}' is not a float tensor; a video classifier takes float32 (or float16) clips");
        }
        var dims = input.Type?.TensorType?.Shape?.Dim
            .Select(d => d.ValueCase == Dimension.ValueOneofCase.DimValue ? d.DimValue : (long?)null).ToArray() ?? [];
        if (dims.Length != 5)
        {
            throw new InvalidContractException(source, $"input '{input.Name}' has {dims.Length} dimensions; a video classifier takes 5 ([N, C, T, H, W] or [N, T, C, H, W])");
        }
        return new ClipInput(input.Name, dims);
    }

    /// <summary>NCTHW when dimension 1 is 3 channels and dimension 2 is not, NTCHW in the mirror case, else null.</summary>
    public TensorLayout? GuessLayout() => (Dims[1], Dims[2]) switch
    {
        (3, not 3) => TensorLayout.NCTHW,
        (not 3, 3) => TensorLayout.NTCHW,
        _ => null,
    };

    public long? Frames(TensorLayout layout) => layout == TensorLayout.NCTHW ? Dims[2] : Dims[1];

    public long? Channels(TensorLayout layout) => layout == TensorLayout.NCTHW ? Dims[1] : Dims[2];

    /// <summary>The square side when height and width are fixed and equal; null otherwise.</summary>
    public long? Size => Dims[3] is { } h && Dims[4] == h ? h : null;

    /// <summary>Throws <see cref="InvalidContractException"/> when the contract contradicts a fixed input dimension.</summary>
    public void Check(PreprocessingContract contract, string source)
    {
        var layout = contract.Layout;
        if (Channels(layout) is { } c && c != 3)
        {
            throw new InvalidContractException(source, $"layout {layout} puts channels at a dimension of size {c} in input '{Name}' [{Shape}]; RGB clips need 3");
        }
        if (Frames(layout) is { } t && t != contract.Frames)
        {
            throw new InvalidContractException(source, $"frames {contract.Frames} do not match input '{Name}' [{Shape}] ({t} frames in layout {layout})");
        }
        foreach (var side in new[] { Dims[3], Dims[4] })
        {
            if (side is { } s && s != contract.CropSize)
            {
                throw new InvalidContractException(source, $"crop size {contract.CropSize} does not match input '{Name}' [{Shape}]");
            }
        }
    }

    public string Shape => string.Join(", ", Dims.Select(d => d?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"));
}
