using OnnxVideo.Media;
using OnnxVideo.Ort;
using OnnxVideo.Text;

namespace OnnxVideo.Runtime;

/// <summary>
/// Describes videos in words with a captioner folder (captioner.json, encoder.onnx, decoder.onnx,
/// decoder_memory.onnx, decoder_step.onnx, tokenizer.json, as training exports it): clips are read and preprocessed by the folder's
/// contract as for classification, encoded once (<see cref="EncodeAsync"/>), then captioned greedily or by beam
/// search, batched across clips, one decoder_step.onnx run per token with the key/value cache
/// (<see cref="Caption"/>); <see cref="Score"/> gives the log-likelihood of given texts for retrieval. Thread-safe.
/// </summary>
public sealed class VideoCaptioner : IDisposable
{
    private readonly CaptionerManifest manifest;
    private readonly OrtSession encoder;
    private readonly CaptionDecoderRunner decoder;
    private readonly BpeTokenizer tokenizer;
    private readonly VideoClipReader reader;
    private readonly VideoCaptionerOptions options;

    private VideoCaptioner(CaptionerManifest manifest, OrtSession encoder, CaptionDecoderRunner decoder, BpeTokenizer tokenizer, VideoCaptionerOptions options)
    {
        this.manifest = manifest;
        this.encoder = encoder;
        this.decoder = decoder;
        this.tokenizer = tokenizer;
        this.options = options;
        reader = new VideoClipReader(manifest.Contract, options.Media);
    }

    /// <summary>The preprocessing of the clips (frames, size, normalisation, layout).</summary>
    public PreprocessingContract Contract => manifest.Contract;
    /// <summary>Most caption tokens the model generates.</summary>
    public int MaxLength => manifest.MaxLength;
    /// <summary>Floats of one preprocessed clip for <see cref="Encode"/>.</summary>
    public int ClipElements => reader.SampleElements;

    /// <summary>Opens a captioner folder; a missing or inconsistent file is a <see cref="UserInputException"/> naming it.</summary>
    public static VideoCaptioner Open(string folder, VideoCaptionerOptions? options = null)
    {
        options ??= new VideoCaptionerOptions();
        if (options.MaxBatchSize < 1)
        {
            throw new InvalidInputException(nameof(options.MaxBatchSize), $"must be >= 1 (got {options.MaxBatchSize})");
        }
        var manifest = CaptionerFolder.ReadManifest(folder);
        var tokenizer = BpeTokenizer.Load(Path.Combine(folder, manifest.TokenizerFile));
        if (tokenizer.VocabularySize != manifest.VocabularySize)
        {
            throw new VideoModelException(Path.Combine(folder, manifest.TokenizerFile),
                $"the tokenizer has {tokenizer.VocabularySize} tokens but the captioner's vocabulary is {manifest.VocabularySize}");
        }
        var sessionOptions = new OrtSessionOptions { IntraOpThreads = options.IntraOpThreads, InterOpThreads = 1, ExecutionProvider = options.Device };
        var sessions = new List<OrtSession>();
        try
        {
            foreach (var file in new[] { manifest.EncoderFile, manifest.DecoderFile, manifest.DecoderMemoryFile, manifest.DecoderStepFile })
            {
                sessions.Add(CaptionerFolder.OpenSession(Path.Combine(folder, file), sessionOptions));
            }
            CaptionerFolder.CheckGraphs(folder, manifest, sessions);
        }
        catch
        {
            sessions.ForEach(s => s.Dispose());
            throw;
        }
        return new VideoCaptioner(manifest, sessions[0], new CaptionDecoderRunner(sessions[1], sessions[2], sessions[3], manifest), tokenizer, options);
    }

    /// <summary>Reads and encodes one video (its test clips and crops are averaged into one memory).</summary>
    public async Task<VideoMemory> EncodeAsync(string videoPath, CancellationToken cancellationToken = default)
    {
        var samples = new float[reader.TestSamplesPerVideo * reader.SampleElements];
        await reader.ReadTestSamplesAsync(videoPath, samples, cancellationToken).ConfigureAwait(false);
        return EncodeSamples(videoPath, samples, reader.TestSamplesPerVideo);
    }

    /// <summary>Encodes one preprocessed clip of <see cref="ClipElements"/> floats in the contract's layout.</summary>
    public VideoMemory Encode(float[] clip, string name = "clip")
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (clip.Length != reader.SampleElements)
        {
            throw new InvalidInputException(name, $"a clip has {reader.SampleElements} values ({Contract.Frames} frames of {Contract.CropSize}², 3 channels), not {clip.Length}");
        }
        return EncodeSamples(name, clip, 1);
    }

    /// <summary>Captions encoded clips, <see cref="VideoCaptionerOptions.MaxBatchSize"/> clips per decoder batch.</summary>
    public IReadOnlyList<CaptionResult> Caption(IReadOnlyList<VideoMemory> clips, CaptionSearch? search = null) =>
        Caption(clips, search ?? CaptionSearch.Greedy, beamSearch: search is { BeamWidth: > 1 });

    /// <summary><see cref="Caption(IReadOnlyList{VideoMemory}, CaptionSearch?)"/> through beam search even for width 1 (which must equal greedy decoding).</summary>
    internal IReadOnlyList<CaptionResult> CaptionWithBeamSearch(IReadOnlyList<VideoMemory> clips, CaptionSearch search) => Caption(clips, search, beamSearch: true);

    /// <summary>Σ log p(token | prefix) of <paramref name="ids"/> then EOS, fed one token at a time through decoder_step.onnx.</summary>
    internal double TeacherForcedLogLikelihood(VideoMemory clip, IReadOnlyList<int> ids)
    {
        using var scorer = new CachedTokenScorer(decoder, StackMemory([clip], 1), 1);
        var logProbabilities = new double[manifest.VocabularySize];
        double total = 0;
        for (var i = 0; i <= ids.Count; i++)
        {
            LogSoftmax.Row(scorer.Next([i == 0 ? manifest.Bos : ids[i - 1]], i), logProbabilities);
            total += logProbabilities[i < ids.Count ? ids[i] : manifest.Eos];
        }
        return total;
    }

    private IReadOnlyList<CaptionResult> Caption(IReadOnlyList<VideoMemory> clips, CaptionSearch search, bool beamSearch)
    {
        search.Validate();
        var maxLength = Math.Min(search.MaxLength ?? manifest.MaxLength, manifest.MaxLength);
        var results = new List<CaptionResult>(clips.Count);
        foreach (var batch in clips.Chunk(options.MaxBatchSize))
        {
            var width = search.BeamWidth;
            var memory = StackMemory(batch, width);
            using ITokenScorer scorer = search.UseCache
                ? new CachedTokenScorer(decoder, memory, batch.Length * width)
                : new RecomputingTokenScorer(decoder, memory, batch.Length * width);
            var hypotheses = !beamSearch
                ? GreedySearch.Run(scorer, batch.Length, manifest.VocabularySize, maxLength, manifest.Bos, manifest.Eos, manifest.Pad)
                : BeamSearch.Run(scorer, batch.Length, width, manifest.VocabularySize, maxLength, search.LengthPenalty, manifest.Bos, manifest.Eos, manifest.Pad);
            results.AddRange(batch.Zip(hypotheses, (clip, h) => new CaptionResult(clip.Source, tokenizer.Decode(h.Tokens), h.Tokens, h.LogProbability)));
        }
        return results;
    }

    /// <summary>Reads, encodes and captions videos; a video that cannot be read gets a result with its error, the others go on.</summary>
    public async Task<IReadOnlyList<CaptionResult>> CaptionAsync(IReadOnlyList<string> videoPaths, CaptionSearch? search = null,
        CancellationToken cancellationToken = default)
    {
        var memories = new List<VideoMemory>();
        var errors = new Dictionary<int, string>();
        for (var i = 0; i < videoPaths.Count; i++)
        {
            try
            {
                memories.Add(await EncodeAsync(videoPaths[i], cancellationToken).ConfigureAwait(false));
            }
            catch (UserInputException e)
            {
                errors[i] = e.Message;
            }
        }
        var captions = new Queue<CaptionResult>(Caption(memories, search));
        return Enumerable.Range(0, videoPaths.Count)
            .Select(i => errors.TryGetValue(i, out var error) ? new CaptionResult(videoPaths[i], "", [], double.NaN) { Error = error } : captions.Dequeue())
            .ToList();
    }

    /// <summary>
    /// The log-likelihood of each text (normalised like the training captions, then BOS + tokens → tokens + EOS) given
    /// the clip, from one decoder.onnx run; higher means the text describes the clip better.
    /// </summary>
    public double[] Score(VideoMemory clip, IReadOnlyList<string> texts)
    {
        if (texts.Count == 0)
        {
            return [];
        }
        var ids = texts.Select(t => tokenizer.Encode(CaptionText.Normalize(t))).ToList();
        if (ids.FirstOrDefault(t => t.Length > manifest.MaxLength) is { } tooLong)
        {
            throw new InvalidInputException(texts[ids.IndexOf(tooLong)], $"the text has {tooLong.Length} tokens, more than the captioner's maximum of {manifest.MaxLength}");
        }
        var length = ids.Max(t => t.Length) + 1;
        var tokens = new long[texts.Count * length];
        for (var r = 0; r < ids.Count; r++)
        {
            tokens[r * length] = manifest.Bos;
            for (var i = 0; i < ids[r].Length; i++)
            {
                tokens[r * length + i + 1] = ids[r][i];
            }
        }
        var logits = decoder.FullLogits(StackMemory(Enumerable.Repeat(clip, texts.Count).ToArray(), 1), texts.Count, tokens, length);
        var vocabulary = manifest.VocabularySize;
        var logProbabilities = new double[vocabulary];
        var scores = new double[texts.Count];
        for (var r = 0; r < ids.Count; r++)
        {
            for (var i = 0; i <= ids[r].Length; i++)
            {
                LogSoftmax.Row(logits.AsSpan((r * length + i) * vocabulary, vocabulary), logProbabilities);
                scores[r] += logProbabilities[i < ids[r].Length ? ids[r][i] : manifest.Eos];
            }
        }
        return scores;
    }

    public void Dispose()
    {
        encoder.Dispose();
        decoder.Dispose();
    }

    private VideoMemory EncodeSamples(string source, float[] samples, int count)
    {
        var shape = new long[] { count }.Concat(Contract.Layout == TensorLayout.NTCHW
            ? new long[] { Contract.Frames, 3, Contract.CropSize, Contract.CropSize }
            : [3, Contract.Frames, Contract.CropSize, Contract.CropSize]).ToArray();
        using var input = OrtValue.CreateTensor(samples, shape);
        var outputs = encoder.Run(["video"], [input], ["memory"]);
        using var output = outputs[0];
        var all = output.GetTensorSpan<float>();
        var size = manifest.MemoryTokens * manifest.ModelDim;
        var mean = new float[size];
        for (var k = 0; k < count; k++)
        {
            var sample = all.Slice(k * size, size);
            for (var i = 0; i < size; i++)
            {
                mean[i] += sample[i] / count;
            }
        }
        return new VideoMemory(source, mean, manifest.MemoryTokens, manifest.ModelDim);
    }

    /// <summary>The memories of <paramref name="clips"/>, each repeated <paramref name="repeat"/> times (once per beam), as [rows, S, D].</summary>
    private float[] StackMemory(IReadOnlyList<VideoMemory> clips, int repeat)
    {
        var size = manifest.MemoryTokens * manifest.ModelDim;
        if (clips.FirstOrDefault(c => c.Tokens.Length != size) is { } other)
        {
            throw new InvalidInputException(other.Source, $"was encoded by another captioner ({other.Count} × {other.Width} memory, this one takes {manifest.MemoryTokens} × {manifest.ModelDim})");
        }
        var stacked = new float[clips.Count * repeat * size];
        for (var c = 0; c < clips.Count; c++)
        {
            for (var b = 0; b < repeat; b++)
            {
                clips[c].Tokens.CopyTo(stacked, (c * repeat + b) * size);
            }
        }
        return stacked;
    }
}
