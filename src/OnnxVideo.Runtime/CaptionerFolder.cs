using OnnxVideo.Media;
using OnnxVideo.Ort;

namespace OnnxVideo.Runtime;

/// <summary>Reads and checks a captioner folder for <see cref="VideoCaptioner"/>.</summary>
internal static class CaptionerFolder
{
    public static CaptionerManifest ReadManifest(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new VideoModelException(folder, "captioner folder not found");
        }
        var path = Path.Combine(folder, CaptionerManifest.FileName);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new VideoModelException(path, $"not a captioner folder: {CaptionerManifest.FileName} is missing (export one from a trained caption package)");
        }
        if (info.Length > CaptionerManifest.MaxBytes)
        {
            throw new VideoModelException(path, $"{info.Length} bytes is too large for a captioner manifest");
        }
        var json = UserFileException.Guard(path, "cannot read the captioner manifest", () => File.ReadAllText(path));
        return CaptionerManifest.FromJson(json, path);
    }

    public static OrtSession OpenSession(string path, OrtSessionOptions options)
    {
        if (!File.Exists(path))
        {
            throw new VideoModelException(path, "captioner graph not found");
        }
        try
        {
            return new OrtSession(path, options);
        }
        catch (OrtException e)
        {
            throw new VideoModelException(path, $"ONNX Runtime cannot load the model: {e.OrtMessage}", e);
        }
    }

    /// <summary>The graphs must have the inputs and outputs captioner.json describes.</summary>
    /// <summary><paramref name="sessions"/>: encoder, decoder, decoder memory, decoder step.</summary>
    public static void CheckGraphs(string folder, CaptionerManifest m, IReadOnlyList<OrtSession> sessions)
    {
        Require(folder, m.EncoderFile, sessions[0], ["video"], ["memory"]);
        Require(folder, m.DecoderFile, sessions[1], ["memory", "tokens"], ["logits"]);
        var layers = Enumerable.Range(0, m.Layers).ToList();
        string[] memory = [.. layers.SelectMany(i => new[] { $"memory_key_{i}", $"memory_value_{i}" })];
        Require(folder, m.DecoderMemoryFile, sessions[2], ["memory"], memory);
        Require(folder, m.DecoderStepFile, sessions[3],
            [.. memory, "token", "position", .. layers.SelectMany(i => new[] { $"past_key_{i}", $"past_value_{i}" })],
            ["logits", .. layers.SelectMany(i => new[] { $"present_key_{i}", $"present_value_{i}" })]);
    }

    private static void Require(string folder, string file, OrtSession session, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs)
    {
        var missing = inputs.Except(session.InputNames).Concat(outputs.Except(session.OutputNames)).ToList();
        if (missing.Count > 0 || session.InputNames.Count != inputs.Count)
        {
            throw new VideoModelException(Path.Combine(folder, file),
                $"does not match {CaptionerManifest.FileName}: expected inputs {string.Join(", ", inputs)} and outputs {string.Join(", ", outputs)} (missing: {string.Join(", ", missing)})");
        }
    }
}
