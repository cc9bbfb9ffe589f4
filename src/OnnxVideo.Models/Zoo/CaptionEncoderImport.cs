using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Zoo;

/// <summary>
/// Takes a captioner's encoder from a <c>video_vit</c> classifier written by this zoo (e.g. one fine-tuned and
/// exported by <c>onnxvideo train</c>): the encoder shape is read from its weights and nodes, and its
/// <c>videomae.*</c> tensors become the captioner's encoder weights (the classifier head and fc_norm are dropped).
/// </summary>
internal static class CaptionEncoderImport
{
    /// <summary>The classifier's encoder shape and clip size, and its initializers.</summary>
    public static (VideoVitConfig Encoder, int Frames, int Size, IReadOnlyList<TensorProto> Weights) Read(string path)
    {
        var model = OnnxModelFile.Load(path, loadExternalData: true);
        var graph = model.Graph;
        var weights = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        if (!weights.TryGetValue(VideoVitNames.PatchProjection + ".weight", out var patch) || patch.Dims.Count != 5)
        {
            throw Refuse(path, $"has no tensor '{VideoVitNames.PatchProjection}.weight' [width, 3, tubelet, patch, patch]");
        }
        if (weights.ContainsKey(VideoVitNames.ClsToken))
        {
            throw Refuse(path, "uses [CLS] pooling; the captioner's encoder needs a mean-pooling video_vit");
        }
        var depth = 0;
        while (weights.ContainsKey(VideoVitNames.Layer(depth) + "layernorm_before.weight"))
        {
            depth++;
        }
        var heads = graph.Node.FirstOrDefault(n => n.Name == "layer0.q_heads.split" && n.OpType == "Reshape") is { } split
            && graph.Initializer.FirstOrDefault(t => t.Name == split.Input[1]) is { } shape ? TensorProtos.ToInt64s(shape) : null;
        var norm = graph.Node.FirstOrDefault(n => n.Name == "layer0.norm1" && n.OpType == "LayerNormalization");
        var video = graph.Input.FirstOrDefault(i => i.Name == ModelZoo.InputName)?.Type?.TensorType?.Shape?.Dim;
        if (depth == 0 || heads is not { Length: 4 } || norm is null || video is not { Count: 5 })
        {
            throw Refuse(path, "its blocks, heads or video input are not those of a zoo video_vit");
        }
        var mlp = weights[VideoVitNames.Layer(0) + "intermediate.dense.weight"].Dims[0];
        var config = new VideoVitConfig
        {
            Depth = depth,
            Width = (int)patch.Dims[0],
            Heads = (int)heads[2],
            MlpWidth = (int)mlp,
            Tubelet = (int)patch.Dims[2],
            Patch = (int)patch.Dims[3],
            DefaultFrames = (int)video[1].DimValue,
            DefaultSize = (int)video[3].DimValue,
            LayerNormEpsilon = AttributeValues.Float(norm, "epsilon", 1e-5f),
        };
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw Refuse(path, e.Message);
        }
        var encoder = graph.Initializer.Where(t => t.Name.StartsWith("videomae.", StringComparison.Ordinal)).ToList();
        return (config, config.DefaultFrames, config.DefaultSize, encoder);
    }

    private static InvalidInputException Refuse(string path, string problem) =>
        new(path, $"cannot take the captioner's encoder from this model: {problem} (--encoder takes a video_vit classifier made by onnxvideo-export create or exported by onnxvideo train)");
}
