using System.Numerics;

namespace OnnxVideo.Onnx.Checkpoints;

/// <summary>Short descriptions of unpickled values for error messages (never recursing into them).</summary>
internal static class PickleValues
{
    public static string Describe(object? value) => value switch
    {
        null => "None",
        bool => "bool",
        long or BigInteger => "int",
        double => "float",
        string => "str",
        byte[] => "bytes",
        object?[] tuple => $"tuple of {tuple.Length}",
        List<object?> list => $"list of {list.Count}",
        PickleDict dict => $"dict of {dict.Count}",
        PickleGlobal global => global.ToString(),
        TorchStorageRef => "storage",
        TorchTensorRef => "tensor",
        _ => value.GetType().Name,
    };
}
