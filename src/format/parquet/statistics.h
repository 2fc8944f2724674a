// Min/max accumulators for column chunk statistics, in the order Parquet's
// TypeDefinedOrder gives each column:
//
//   - integers (and DECIMAL's unscaled integers) compare by value in their
//     sluice storage type, which orders exactly like the Parquet type:
//     signed for INT(n, true) and DECIMAL, unsigned for INT(n, false)
//     (uint8/16/32 values are non-negative in their wider storage; uint64
//     is held as uint64_t);
//   - FLOAT/DOUBLE compare numerically and skip NaN; a chunk of only NaN
//     has no min/max; a zero min is written as -0.0 and a zero max as
//     +0.0 (so readers never prune a row whose value is the other zero);
//   - BYTE_ARRAY compares bytes as unsigned, lexicographically.
//
// NULLs are never passed in; callers count them. Not thread-safe.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

namespace sluice::parquet {

template <typename T>
class MinMax {
 public:
  static constexpr bool kFloatingPoint = std::is_floating_point_v<T>;

  void Update(T value) {
    if constexpr (kFloatingPoint) {
      if (value < min_) min_ = value;
      if (value > max_) max_ = value;
      has_value_ |= !std::isnan(value);
    } else {
      min_ = value < min_ ? value : min_;
      max_ = value > max_ ? value : max_;
      has_value_ = true;
    }
  }
  // The no-NULL fast path.
  void UpdateMany(const T* values, size_t count) {
    if constexpr (kFloatingPoint) {
      for (size_t value_idx = 0; value_idx < count; ++value_idx) Update(values[value_idx]);
    } else {
      if (count == 0) return;
      T min = min_;
      T max = max_;
      for (size_t value_idx = 0; value_idx < count; ++value_idx) {
        min = values[value_idx] < min ? values[value_idx] : min;
        max = values[value_idx] > max ? values[value_idx] : max;
      }
      min_ = min;
      max_ = max;
      has_value_ = true;
    }
  }

  // False when no value (or only NaN) was seen.
  bool has_value() const { return has_value_; }
  // REQUIRES: has_value(). Floating point zeros follow the rule above.
  T min() const {
    if constexpr (kFloatingPoint) {
      if (min_ == 0) return -T(0);
    }
    return min_;
  }
  T max() const {
    if constexpr (kFloatingPoint) {
      if (max_ == 0) return T(0);
    }
    return max_;
  }

  void Reset() { *this = MinMax(); }

 private:
  // std::numeric_limits is not specialized for __int128 in strict ISO mode.
  static constexpr T InitialMin() {
    if constexpr (kFloatingPoint) {
      return std::numeric_limits<T>::infinity();
    } else if constexpr (std::is_same_v<T, __int128>) {
      return static_cast<__int128>(~static_cast<unsigned __int128>(0) >> 1);
    } else {
      return std::numeric_limits<T>::max();
    }
  }
  static constexpr T InitialMax() {
    if constexpr (kFloatingPoint) {
      return -std::numeric_limits<T>::infinity();
    } else if constexpr (std::is_same_v<T, __int128>) {
      return -InitialMin() - 1;
    } else {
      return std::numeric_limits<T>::lowest();
    }
  }

  T min_ = InitialMin();
  T max_ = InitialMax();
  bool has_value_ = false;
};

// Byte strings, kept as copies (a new min or max is copied when it is seen).
class ByteArrayMinMax {
 public:
  void Update(std::string_view value) {
    if (!has_value_) {
      min_.assign(value);
      max_.assign(value);
      has_value_ = true;
      return;
    }
    // std::string_view compares chars as unsigned char (char_traits<char>).
    if (value < std::string_view(min_)) {
      min_.assign(value);
    } else if (value > std::string_view(max_)) {
      max_.assign(value);
    }
  }
  bool has_value() const { return has_value_; }
  const std::string& min() const { return min_; }
  const std::string& max() const { return max_; }
  void Reset() {
    min_.clear();
    max_.clear();
    has_value_ = false;
  }

 private:
  std::string min_;
  std::string max_;
  bool has_value_ = false;
};

}  // namespace sluice::parquet
