using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Zoo;

/// <summary>
/// Takes a captioner's encoder from a classifier written by this zoo (e.g. one fine-tuned and exported by
/// <c>onnxvideo train</c>): a <c>video_vit</c>, whose shape is read from its weights and nodes and whose
/// <c>videomae.*</c> tensors become the encoder weights (head and fc_norm dropped), or a 3-D CNN (tiny3d, r3d_18,
/// mc3_18, r2plus1d_18), recognised by its parameter names and shapes, whose convolution and BatchNorm tensors
/// (running statistics included) become the encoder weights (the <c>fc</c> head dropped).
/// </summary>
internal static class CaptionEncoderImport
{
    public static CaptionEncoderSource Read(string path)
    {
        var model = OnnxModelFile.Load(path, loadExternalData: true);
        if (ModelMetadata.Get(model, VideoCaptionConfig.MetadataKey) is not null)
        {
            throw Refuse(path, "it is a captioner, not a classifier");
        }
        var graph = model.Graph;
        if (graph.Output.FirstOrDefault(o => o.Name == ModelZoo.LogitsName)?.Type?.TensorType?.Shape?.Dim is not { Count: 2 })
        {
            throw Refuse(path, $"it has no output '{ModelZoo.LogitsName}' [N, classes], so it is not a zoo classifier");
        }
        var weights = graph.Initializer.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var video = graph.Input.FirstOrDefault(i => i.Name == ModelZoo.InputName)?.Type?.TensorType?.Shape?.Dim;
        return weights.ContainsKey(VideoVitNames.PatchProjection + ".weight")
            ? ReadVit(path, graph, weights, video)
            : ReadCnn(path, weights, video);
    }

    private static CaptionEncoderSource ReadVit(string path, GraphProto graph, Dictionary<string, TensorProto> weights, IList<TensorShapeProto.Types.Dimension>? video)
    {
        var patch = weights[VideoVitNames.PatchProjection + ".weight"];
        if (patch.Dims.Count != 5)
        {
            throw Refuse(path, $"its tensor '{VideoVitNames.PatchProjection}.weight' is not [width, 3, tubelet, patch, patch]");
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
        var encoder = weights.Values.Where(t => t.Name.StartsWith("videomae.", StringComparison.Ordinal)).ToList();
        return new CaptionEncoderSource(config, null, config.DefaultFrames, config.DefaultSize, encoder);
    }

    /// <summary>The zoo CNN every one of whose parameters and buffers the model holds as a float tensor of the same shape.</summary>
    private static CaptionEncoderSource ReadCnn(string path, Dictionary<string, TensorProto> weights, IList<TensorShapeProto.Types.Dimension>? video)
    {
        var cnns = ModelZoo.Architectures.OfType<VideoCnn>().ToList();
        if (video is not { Count: 5 } || video[1].DimValue != 3)
        {
            throw Refuse(path, $"it has no video input [N, 3, T, S, S] named '{ModelZoo.InputName}' (NCTHW) nor the tensors of a zoo video_vit");
        }
        foreach (var cnn in cnns)
        {
            var frames = video[2].DimValue > 0 ? (int)video[2].DimValue : cnn.DefaultFrames;
            var size = video[3].DimValue > 0 ? (int)video[3].DimValue : cnn.DefaultSize;
            IReadOnlyList<(string Name, long[] Shape)> declared;
            try
            {
                declared = cnn.MeasureFeatureMap(frames, size).Declared;
            }
            catch (ArgumentException)
            {
                continue;
            }
            if (declared.All(p => weights.TryGetValue(p.Name, out var t) && t.DataType == (int)TensorProto.Types.DataType.Float && t.Dims.SequenceEqual(p.Shape)))
            {
                return new CaptionEncoderSource(null, cnn, frames, size, declared.Select(p => weights[p.Name]).ToList());
            }
        }
        throw Refuse(path, $"its tensors are those of no zoo 3-D CNN ({string.Join(", ", cnns.Select(c => c.Name))}) nor of a zoo video_vit");
    }

    private static InvalidInputException Refuse(string path, string problem) =>
        new(path, $"cannot take the captioner's encoder from this model: {problem} (--encoder takes a video_vit or 3-D CNN classifier made by onnxvideo-export create or exported by onnxvideo train)");
}
