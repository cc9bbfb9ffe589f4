using OnnxVideo.Packaging.Tuning;

namespace OnnxVideo.Packaging;

/// <summary>
/// Structural checks of a deserialized manifest, before anything uses it: JSON lets any field be null, missing or out
/// of range, so every list, entry, name and shape is checked here and each problem names the field.
/// </summary>
internal static class TrainingPackageManifestChecks
{
    /// <summary>The most elements a trainable or frozen tensor may declare (its float32 bytes fit one .NET array).</summary>
    private static readonly long MaxElements = Array.MaxLength / sizeof(float);

    /// <summary>Returns the first problem, or null when the manifest is well-formed.</summary>
    public static string? FirstProblem(TrainingPackageManifest m)
    {
        if (m.Tuning is null || m.Optimizer is null || m.Io is null || m.Graphs is null)
        {
            return "tuning, optimizer, io and graphs are required";
        }
        if (m.Parameters is null || m.Buffers is null || m.Frozen is null || m.Files is null)
        {
            return "parameters, buffers, frozen and files must be lists (not null)";
        }
        return ScalarProblem(m) ?? NamesProblem(m) ?? ParametersProblem(m) ?? TensorListProblem(m) ?? FilesProblem(m) ?? AdaptersProblem(m);
    }

    private static string? AdaptersProblem(TrainingPackageManifest m)
    {
        var parameters = m.Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var adapter = m.Tuning.LoraAdapters.FirstOrDefault(a => !parameters.Contains(a.A) || !parameters.Contains(a.B));
        if (adapter is not null)
        {
            return $"LoRA adapter of '{adapter.Weight}': '{adapter.A}' and '{adapter.B}' must be trainable parameters";
        }
        if (m.Tuning.Adapters?.FirstOrDefault(a => a?.Tensors is null || !a.Tensors.All(t => t is not null && parameters.Contains(t))) is { } bottleneck)
        {
            return $"tuning.adapters: the tensors of '{bottleneck?.Site}' must be a list of trainable parameters";
        }
        return m.Tuning.Prompts is { } prompts && (prompts.Tensors is null || !prompts.Tensors.All(t => t is not null && parameters.Contains(t)))
            ? "tuning.prompts: the prompt tensors must be a list of trainable parameters"
            : null;
    }

    private static string? ScalarProblem(TrainingPackageManifest m)
    {
        if (m.ClassCount < 1)
        {
            return $"classCount must be >= 1 (got {m.ClassCount})";
        }
        if (!Enum.IsDefined(m.BatchNorm) || !Enum.IsDefined(m.Optimizer.Kind) || !Enum.IsDefined(m.Tuning.Kind))
        {
            return "batchNorm, optimizer.kind or tuning.kind has an unknown value";
        }
        if (!float.IsFinite(m.LabelSmoothing) || m.LabelSmoothing is < 0 or >= 1 || !float.IsFinite(m.ClipNorm) || m.ClipNorm < 0)
        {
            return "labelSmoothing must be in [0, 1) and clipNorm finite and >= 0";
        }
        try
        {
            m.Optimizer.Validate();
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
        return null;
    }

    private static string? NamesProblem(TrainingPackageManifest m)
    {
        var io = m.Io;
        var g = m.Graphs;
        var t = m.Tuning;
        string?[] names = [io.Video, io.Labels, io.LearningRate, io.Step, io.ClipNorm, io.Loss, io.Logits, io.GradientNorm,
            g.TrainStep, g.Eval, g.Gradients, g.Optimizer, g.Trainable, g.OptimizerState, g.Frozen, t.Spec, t.HeadWeight];
        if (names.Any(string.IsNullOrEmpty) || io.Targets is "" || g.InputGradient is "" || string.IsNullOrEmpty(io.VideoGradient)
            || io.VideoShape is null || io.VideoShape.Any(d => d is null))
        {
            return "io names (io.targets when present), graph file names, tuning.spec and tuning.headWeight must be non-empty strings";
        }
        if (t.LoraAdapters is null || t.LoraAdapters.Any(a => !LoraAdapterIsWellFormed(a)))
        {
            return "tuning.loraAdapters must be a list of adapters with weight, A, B names, a 2-D weight shape and joins";
        }
        if (m.Dropout is null || m.Dropout.Any(d => d is not { Output.Length: > 0, Ratio: >= 0 and < 1, Salt: >= 0 and < int.MaxValue }))
        {
            return "dropout must be a list of sites with an output name, a ratio in [0, 1) and a salt in [0, 2^31 − 1)";
        }
        if ((m.Dropout.Count > 0) != !string.IsNullOrEmpty(io.DropoutSeed))
        {
            return "io.dropoutSeed must be named exactly when dropout sites are listed";
        }
        if ((m.Caption is null) != (io.TargetTokens is null) || (m.Caption is null) != (io.Tokens is null) || io.Tokens is "" || io.TargetTokens is "")
        {
            return "io.tokens and io.targetTokens must be named exactly in captioning packages (those with a caption entry)";
        }
        return m.Caption is { } caption ? CaptionProblem(caption, m.ClassCount) : null;
    }

    private static string? CaptionProblem(PackageCaptionEntry c, int classCount)
    {
        if (c.VocabularySize != classCount || c.VocabularySize < 3)
        {
            return $"caption.vocabularySize must equal classCount and be >= 3 (got {c.VocabularySize}, classCount {classCount})";
        }
        int[] specials = [c.Pad, c.Bos, c.Eos];
        if (specials.Any(t => t < 0 || t >= c.VocabularySize) || specials.Distinct().Count() != 3)
        {
            return "caption.pad, bos and eos must be three different token ids inside the vocabulary";
        }
        if (c is not { MaxLength: >= 1, Layers: >= 1, Heads: >= 1, HeadDim: >= 1, MemoryTokens: >= 1 } || c.ModelDim != c.Heads * c.HeadDim)
        {
            return "caption.maxLength, layers, heads, headDim and memoryTokens must be >= 1 and modelDim = heads × headDim";
        }
        string?[] files = [c.EncoderFile, c.DecoderFile, c.DecoderMemoryFile, c.DecoderStepFile, c.TokenizerFile];
        if (files.Take(4).Any(string.IsNullOrEmpty) || files.Any(f => f is not null && (f.Length == 0 || Path.GetFileName(f) != f)))
        {
            return "caption file names must be plain file names inside the package";
        }
        return null;
    }

    private static bool LoraAdapterIsWellFormed(LoraAdapter? a) =>
        a is { Weight.Length: > 0, A.Length: > 0, B.Length: > 0, WeightShape.Count: >= 2, Joins: not null } &&
        a.WeightShape.All(d => d is > 0 and <= int.MaxValue) && float.IsFinite(a.Scale) && Enum.IsDefined(a.Layout) &&
        a.Joins.All(j => j is { Output.Length: > 0, BaseOutput.Length: > 0 });

    private static string? ParametersProblem(TrainingPackageManifest m)
    {
        if (m.Parameters.Count == 0)
        {
            return "no trainable parameters listed";
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < m.Parameters.Count; i++)
        {
            var p = m.Parameters[i];
            if (p is null || string.IsNullOrEmpty(p.Name) || string.IsNullOrEmpty(p.Gradient) || string.IsNullOrEmpty(p.Updated))
            {
                return $"parameters[{i}] needs a name, gradient and updated";
            }
            if (!float.IsFinite(p.LearningRateScale) || p.LearningRateScale <= 0)
            {
                return $"parameters[{i}] '{p.Name}': learningRateScale must be a positive number";
            }
            if (ShapeProblem(p.Shape) is { } shape)
            {
                return $"parameters[{i}] '{p.Name}': {shape}";
            }
            if (p.State is null || p.State.Any(s => s is null || string.IsNullOrEmpty(s.Name) || string.IsNullOrEmpty(s.Updated)))
            {
                return $"parameters[{i}] '{p.Name}': state must be a list of entries with name and updated";
            }
            if (!names.Add(p.Name))
            {
                return $"parameters[{i}]: duplicate name '{p.Name}'";
            }
        }
        return null;
    }

    private static string? TensorListProblem(TrainingPackageManifest m)
    {
        for (var i = 0; i < m.Buffers.Count; i++)
        {
            var b = m.Buffers[i];
            if (b is null || string.IsNullOrEmpty(b.Name) || string.IsNullOrEmpty(b.Updated))
            {
                return $"buffers[{i}] needs a name and updated";
            }
            if (ShapeProblem(b.Shape) is { } shape)
            {
                return $"buffers[{i}] '{b.Name}': {shape}";
            }
        }
        for (var i = 0; i < m.Frozen.Count; i++)
        {
            var f = m.Frozen[i];
            if (f is null || string.IsNullOrEmpty(f.Name) || string.IsNullOrEmpty(f.DType))
            {
                return $"frozen[{i}] needs a name and dType";
            }
            if (ShapeProblem(f.Shape) is { } shape)
            {
                return $"frozen[{i}] '{f.Name}': {shape}";
            }
        }
        return null;
    }

    private static string? FilesProblem(TrainingPackageManifest m)
    {
        for (var i = 0; i < m.Files.Count; i++)
        {
            var f = m.Files[i];
            if (f is null || string.IsNullOrEmpty(f.Path) || string.IsNullOrEmpty(f.Sha256))
            {
                return $"files[{i}] needs a path and sha256";
            }
            if (f.Bytes < 0)
            {
                return $"files[{i}] '{f.Path}': bytes must be >= 0 (got {f.Bytes})";
            }
        }
        return null;
    }

    private static string? ShapeProblem(long[]? shape)
    {
        if (shape is null)
        {
            return "shape is missing";
        }
        if (shape.Any(d => d < 0))
        {
            return $"shape [{string.Join(", ", shape)}] has a negative dimension";
        }
        var elements = 1L;
        foreach (var d in shape)
        {
            if (d != 0 && elements > MaxElements / d)
            {
                return $"shape [{string.Join(", ", shape)}] has more than {MaxElements} elements";
            }
            elements *= d;
        }
        return null;
    }
}
