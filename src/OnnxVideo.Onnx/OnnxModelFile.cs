using Google.Protobuf;
using OnnxVideo.Onnx.Files;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Onnx;

/// <summary>Loads and saves ONNX models, including tensors kept in external data files beside the model.</summary>
internal static class OnnxModelFile
{
    /// <summary>Protobuf's hard limit on one message; larger models must keep weights as external data.</summary>
    private const long MaxModelBytes = int.MaxValue;

    public static ModelProto Load(string path, bool loadExternalData = true)
    {
        byte[] bytes;
        try
        {
            if (SafeFiles.RegularFileProblem(path) is { } problem)
            {
                throw new OnnxFormatException(path, problem);
            }
            var info = new FileInfo(NativeFileStatus.Canonical(path) ?? path);
            if (info.Length > MaxModelBytes)
            {
                throw new OnnxFormatException(path, $"file is {info.Length} bytes, above protobuf's 2 GB limit (keep weights as external data)");
            }
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new OnnxFormatException(path, $"cannot read: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new OnnxFormatException(path, $"cannot read: {e.Message}", e);
        }
        var model = Parse(bytes, path);
        TensorChecks.CheckAll(model, path);
        if (loadExternalData)
        {
            ExternalData.LoadInto(model, path);
        }
        return model;
    }

    public static ModelProto Parse(byte[] bytes, string sourceName)
    {
        if (bytes.Length == 0)
        {
            throw new OnnxFormatException(sourceName, "empty file, not an ONNX model");
        }
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException(sourceName, $"not an ONNX model (protobuf: {e.Message})", e);
        }
        if (model.Graph is null)
        {
            throw new OnnxFormatException(sourceName, "not an ONNX model (no graph)");
        }
        if (model.IrVersion <= 0)
        {
            throw new OnnxFormatException(sourceName, $"not an ONNX model (ir_version {model.IrVersion})");
        }
        return model;
    }

    public static byte[] ToBytes(ModelProto model) => model.ToByteArray();

    /// <summary>
    /// Writes the model atomically (temp file, fsync, rename). Tensors of at least <paramref name="externalDataThreshold"/>
    /// bytes go to "&lt;file name&gt;.data" beside the model; the model passed in is not modified.
    /// </summary>
    public static void Save(ModelProto model, string path, long externalDataThreshold = long.MaxValue)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var toWrite = model;
        if (externalDataThreshold < long.MaxValue)
        {
            toWrite = model.Clone();
            ExternalData.MoveOut(toWrite, full, externalDataThreshold);
        }
        AtomicFile.Write(full, stream => toWrite.WriteTo(stream));
    }
}
