using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.Training.Sessions;

/// <summary>Reads a session's tensors from a safetensors file (package or checkpoint) into both of their device buffers.</summary>
internal static class TensorUpload
{
    /// <summary>Loads every tensor of <paramref name="tensors"/>; a missing or misshapen one is a <see cref="TrainingSessionException"/>.</summary>
    public static void Load(SessionDeviceMemory memory, string path, IReadOnlyList<DoubleBufferedTensor> tensors, int parity)
    {
        if (tensors.Count > 0)
        {
            Upload(memory, path, tensors, parity, required: true);
        }
    }

    /// <summary>Loads the tensors when the file holds all of them (false, nothing changed, when one is missing).</summary>
    public static bool TryLoad(SessionDeviceMemory memory, string path, IReadOnlyList<DoubleBufferedTensor> tensors, int parity) =>
        Upload(memory, path, tensors, parity, required: false);

    private static bool Upload(SessionDeviceMemory memory, string path, IReadOnlyList<DoubleBufferedTensor> tensors, int parity, bool required)
    {
        try
        {
            using var file = SafetensorsFile.Open(path);
            foreach (var tensor in tensors)
            {
                if (!file.TryGetInfo(tensor.Name, out var info))
                {
                    return required ? throw new TrainingSessionException(path, $"tensor '{tensor.Name}' is missing") : false;
                }
                if (info.DType != SafetensorsDType.F32 || !info.Shape.SequenceEqual(tensor.Shape))
                {
                    throw new TrainingSessionException(path,
                        $"tensor '{tensor.Name}' is {info.DType} {info.ShapeText}, expected F32 [{string.Join(", ", tensor.Shape)}]");
                }
            }
            foreach (var tensor in tensors)
            {
                // Both buffers, so a graph that leaves a tensor unwritten still finds defined values after the flip.
                if (memory.IsHostMemory)
                {
                    // Straight from the mapped file: no managed copy of every weight left for the GC (issue 17).
                    var current = SessionDeviceMemory.HostSpan(tensor.ValueAt(parity));
                    file.ReadInto(tensor.Name, current);
                    current.CopyTo(SessionDeviceMemory.HostSpan(tensor.ValueAt(1 - parity)));
                    continue;
                }
                var data = file.ReadArray<float>(tensor.Name);
                memory.Upload(data, tensor.ValueAt(parity), tensor.Shape);
                memory.Upload(data, tensor.ValueAt(1 - parity), tensor.Shape);
            }
            return true;
        }
        catch (SafetensorsFormatException e)
        {
            throw new TrainingSessionException(path, e.Problem, e);
        }
    }
}
