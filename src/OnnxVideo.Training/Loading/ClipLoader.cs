using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OnnxVideo.Training.Data;

namespace OnnxVideo.Training.Loading;

/// <summary>
/// Decodes clips on <see cref="LoaderOptions.Workers"/> parallel workers into a bounded queue of batches ahead of the
/// consumer. Batch b of an epoch holds the clips at positions b·B … b·B+B−1 of the epoch's seeded permutation, minus any
/// that fail to decode (reported, skipped, counted against <see cref="LoaderOptions.MaxFailedClips"/>), so the batches of
/// an epoch depend only on the seed and the epoch and an epoch can be resumed at any batch.
/// </summary>
internal sealed class ClipLoader
{
    private readonly IReadOnlyList<VideoSample> _samples;
    private readonly IClipSource _source;
    private readonly LoaderOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _workers;
    private readonly ConcurrentDictionary<int, ClipFailure> _failed = new();
    private readonly ConcurrentDictionary<int, float[]> _trainingCache = new();
    private readonly ConcurrentDictionary<int, float[]> _evaluationCache = new();
    private readonly long _cacheLimitSamples;
    private readonly long _evaluationCacheLimitSamples;
    private int _failureCount;

    /// <param name="cacheBytes">Up to this many bytes of decoded samples are kept in memory and reused in later epochs
    /// (training samples only when the source's training reads are deterministic; evaluation samples always).</param>
    public ClipLoader(IReadOnlyList<VideoSample> samples, IClipSource source, LoaderOptions options, ILogger? logger = null,
        long cacheBytes = 0)
    {
        options.Validate();
        _samples = samples;
        _source = source;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _workers = new SemaphoreSlim(options.Workers);
        _cacheLimitSamples = source.TrainingIsDeterministic ? cacheBytes / (source.SampleElements * (long)sizeof(float)) : 0;
        // Evaluation reads have no randomness, so they are always cacheable.
        _evaluationCacheLimitSamples = cacheBytes / (source.SampleElements * (long)source.EvaluationViews * sizeof(float));
    }

    public int Count => _samples.Count;
    public int SampleElements => _source.SampleElements;

    /// <summary>Clips that failed so far (each counted once, even when met again in a later epoch).</summary>
    public int FailedClips => _failed.Count;

    public IReadOnlyCollection<ClipFailure> Failures => _failed.Values.ToList();

    /// <summary>When set, each training batch is mixed (mixup/CutMix) as it is assembled and carries soft targets.</summary>
    public BatchMixer? Mixer { get; set; }

    /// <summary>When set, attaches each batch's token tensors (captioned clips), in training and evaluation.</summary>
    public IBatchTargets? Targets { get; set; }

    public int TrainingBatchesPerEpoch =>
        _options.DropLast ? _samples.Count / _options.BatchSize : (_samples.Count + _options.BatchSize - 1) / _options.BatchSize;

    /// <summary>The epoch's batches in order, starting at <paramref name="startBatch"/>.</summary>
    public IAsyncEnumerable<ClipBatch> TrainingEpochAsync(int seed, int epoch, int startBatch = 0, CancellationToken ct = default)
    {
        var order = EpochOrder.Permutation(_samples.Count, seed, epoch);
        var chunks = Enumerable.Range(startBatch, Math.Max(0, TrainingBatchesPerEpoch - startBatch))
            .Select(b => (Batch: b, Indices: order.Skip(b * _options.BatchSize).Take(_options.BatchSize).ToArray()));
        var mixer = Mixer;
        var targets = Targets;
        Func<ClipBatch, ClipBatch>? finish = mixer is not null ? batch => mixer.Mix(batch, seed, epoch)
            : targets is not null ? batch => targets.ForTraining(batch, seed, epoch)
            : null;
        return RunAsync(chunks, (index, destination, token) =>
            ReadTrainingAsync(index, EpochOrder.Mix(seed, epoch, index), destination, token), views: 1, ct, finish);
    }

    /// <summary>All clips in dataset order with their evaluation views, for validation and evaluation.</summary>
    public IAsyncEnumerable<ClipBatch> EvaluationAsync(CancellationToken ct = default)
    {
        var batches = (_samples.Count + _options.BatchSize - 1) / _options.BatchSize;
        var chunks = Enumerable.Range(0, batches)
            .Select(b => (Batch: b, Indices: Enumerable.Range(b * _options.BatchSize, Math.Min(_options.BatchSize, _samples.Count - b * _options.BatchSize)).ToArray()));
        var targets = Targets;
        return RunAsync(chunks, ReadEvaluationAsync, _source.EvaluationViews, ct, targets is null ? null : targets.ForEvaluation);
    }

    private async Task ReadEvaluationAsync(int index, Memory<float> destination, CancellationToken ct)
    {
        if (_evaluationCache.TryGetValue(index, out var cached))
        {
            cached.CopyTo(destination);
            return;
        }
        await _source.ReadEvaluationAsync(_samples[index], destination, ct).ConfigureAwait(false);
        if (_evaluationCache.Count < _evaluationCacheLimitSamples)
        {
            _evaluationCache.TryAdd(index, destination.ToArray());
        }
    }

    private async Task ReadTrainingAsync(int index, int seed, Memory<float> destination, CancellationToken ct)
    {
        if (_trainingCache.TryGetValue(index, out var cached))
        {
            cached.CopyTo(destination);
            return;
        }
        await _source.ReadTrainingAsync(_samples[index], seed, destination, ct).ConfigureAwait(false);
        if (_trainingCache.Count < _cacheLimitSamples)
        {
            _trainingCache.TryAdd(index, destination.ToArray());
        }
    }

    private async IAsyncEnumerable<ClipBatch> RunAsync(IEnumerable<(int Batch, int[] Indices)> chunks,
        Func<int, Memory<float>, CancellationToken, Task> read, int views, [EnumeratorCancellation] CancellationToken ct,
        Func<ClipBatch, ClipBatch>? finish)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var queue = Channel.CreateBounded<Task<ClipBatch?>>(new BoundedChannelOptions(_options.PrefetchBatches)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        var producer = Task.Run(async () =>
        {
            try
            {
                foreach (var (batch, indices) in chunks)
                {
                    await queue.Writer.WriteAsync(LoadBatchAsync(batch, indices, read, views, finish, stop.Token), stop.Token).ConfigureAwait(false);
                }
                queue.Writer.Complete();
            }
            catch (Exception e)
            {
                queue.Writer.TryComplete(e);
            }
        }, CancellationToken.None);
        try
        {
            await foreach (var pending in queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                var batch = await pending.ConfigureAwait(false);
                if (batch is not null)
                {
                    yield return batch;
                }
            }
        }
        finally
        {
            stop.Cancel();
            while (queue.Reader.TryRead(out var abandoned))
            {
                try { await abandoned.ConfigureAwait(false); } catch (Exception) { /* the consumer stopped; its error (if any) already surfaced */ }
            }
            try { await producer.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
    }

    private async Task<ClipBatch?> LoadBatchAsync(int batchIndex, int[] indices, Func<int, Memory<float>, CancellationToken, Task> read,
        int views, Func<ClipBatch, ClipBatch>? finish, CancellationToken ct)
    {
        var stride = _source.SampleElements * views;
        var inputs = new float[indices.Length * stride];
        var ok = new bool[indices.Length];
        var failures = new ClipFailure?[indices.Length];
        var tasks = indices.Select(async (index, slot) =>
        {
            if (_failed.TryGetValue(index, out var known))
            {
                failures[slot] = known;
                return;
            }
            await _workers.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await read(index, inputs.AsMemory(slot * stride, stride), ct).ConfigureAwait(false);
                ok[slot] = true;
            }
            catch (Exception e) when (e is not OperationCanceledException and not ArgumentException)
            {
                failures[slot] = RecordFailure(index, e);
            }
            finally
            {
                _workers.Release();
            }
        }).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        var kept = Enumerable.Range(0, indices.Length).Where(i => ok[i]).ToArray();
        if (kept.Length == 0)
        {
            return null;
        }
        if (kept.Length < indices.Length)
        {
            var compact = new float[kept.Length * stride];
            for (var i = 0; i < kept.Length; i++)
            {
                inputs.AsSpan(kept[i] * stride, stride).CopyTo(compact.AsSpan(i * stride));
            }
            inputs = compact;
        }
        var assembled = new ClipBatch(inputs, kept.Select(i => _samples[indices[i]].Label).ToArray(), kept.Select(i => indices[i]).ToArray(),
            views, _source.SampleElements)
        {
            BatchIndex = batchIndex,
            Failures = failures.Where(f => f is not null).Select(f => f!).ToList(),
        };
        return finish is null ? assembled : finish(assembled);
    }

    private ClipFailure RecordFailure(int index, Exception e)
    {
        var failure = new ClipFailure(index, _samples[index].Path, e.Message);
        if (_failed.TryAdd(index, failure))
        {
            var count = Interlocked.Increment(ref _failureCount);
            _logger.LogWarning("skipping clip {Path}: {Reason}", failure.Path, failure.Reason);
            if (count > _options.MaxFailedClips)
            {
                throw new TooManyFailedClipsException(count, _options.MaxFailedClips, failure, e);
            }
        }
        return failure;
    }
}
